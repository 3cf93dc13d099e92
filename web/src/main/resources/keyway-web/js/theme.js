// Applies a tenant's colours and keeps text readable on them: the text colour is chosen by the
// panel colour's luminance (WCAG relative luminance), so a dark or a light theme both keep contrast.
function luminance(hex) {
  let c = hex.replace('#', '');
  if (c.length === 3) c = c.split('').map(x => x + x).join('');
  const [r, g, b] = [0, 2, 4].map(i => parseInt(c.slice(i, i + 2), 16) / 255)
    .map(v => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function applyColors(colors) {
  const root = document.documentElement.style;
  for (const k of ['primary', 'accent', 'bg', 'panel']) if (colors && colors[k]) root.setProperty('--' + k, colors[k]);
  const panel = (colors && colors.panel) || '#ffffff';
  const dark = luminance(panel) < 0.18;
  root.setProperty('--text', dark ? '#e6edf3' : '#14171a');
  root.setProperty('--muted', dark ? '#a8b3bf' : '#4a5563');
  root.setProperty('--line', dark ? '#3d444d' : '#d0d5dd');
  root.setProperty('--field-bg', dark ? '#0d1117' : '#ffffff');
  if (window.Chart) window.Chart.defaults.color = dark ? '#a8b3bf' : '#4a5563';
}
