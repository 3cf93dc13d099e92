package io.keyway.gateway.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium driven through Debian's chromedriver, both named by path so that
 * Selenium Manager never runs (it would try to download a browser).
 */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  final ChromeDriver driver;
  final WebDriverWait wait;
  private final String base;

  Browser(String base) {
    this.base = base;
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-dev-shm-usage", "--window-size=1280,1000");
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
  }

  static boolean installed() {
    return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
  }

  void open(String path) {
    driver.get(base + path);
  }

  WebElement visible(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Types into the field whose label reads {@code label}, inside {@code form}. */
  void type(String formId, String label, String text) {
    WebElement input = fieldOf(formId, label);
    input.clear();
    input.sendKeys(text);
  }

  WebElement fieldOf(String formId, String label) {
    WebElement l = visible(By.xpath("//form[@id='" + formId + "']//label[normalize-space()='" + label + "']"));
    return driver.findElement(By.id(l.getAttribute("for")));
  }

  void submit(String formId) {
    driver.findElement(By.cssSelector("#" + formId + " button[type=submit]")).click();
  }

  void heading(String text) {
    wait.until(ExpectedConditions.textToBe(By.cssSelector("main h1"), text));
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /**
   * Writes a PNG of the viewport to {name}.png under gateway/target/screenshots, or under
   * docs/screenshots of the repository when run with {@code -Dkeyway.screenshots=docs}, which is how
   * the README's pictures are refreshed (so an ordinary test run changes no tracked file).
   */
  void screenshot(String name) {
    try {
      Path dir = "docs".equals(System.getProperty("keyway.screenshots"))
          ? repositoryRoot().resolve("docs/screenshots")
          : repositoryRoot().resolve("gateway/target/screenshots");
      Files.createDirectories(dir);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("mvnw"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("not inside the repository");
    }
    return p;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
