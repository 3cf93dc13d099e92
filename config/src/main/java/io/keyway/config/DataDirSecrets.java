package io.keyway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev-profile secrets kept in the data dir: generated once with mode 0600, with a loud warning,
 * and read back on every later start so tokens and ciphertexts survive a restart.
 */
final class DataDirSecrets {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirSecrets.class);
  static final String MASTER_KEY_FILE = "master.key";
  static final String JWT_SECRET_FILE = "jwt.secret";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dataDir;

  DataDirSecrets(Path dataDir) {
    this.dataDir = dataDir;
  }

  String masterKey() {
    return readOrCreate(MASTER_KEY_FILE, ConfigKeys.MASTER_KEY);
  }

  String jwtSecret() {
    return readOrCreate(JWT_SECRET_FILE, ConfigKeys.JWT_SECRET);
  }

  private String readOrCreate(String name, String key) {
    Path file = dataDir.resolve(name);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(file)) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String value = Base64.getEncoder().encodeToString(raw);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
          Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
          LOG.warn("*** {} was not set: generated one into {} (mode 0600). Fine for a laptop; "
              + "set {} explicitly (and keep it safe) for anything real. ***", key, file, key);
        } catch (FileAlreadyExistsException raced) {
          // another process on the same data dir created it first; read theirs
        }
      }
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException | SecurityException e) {
      throw new ConfigException(key, "is not set and " + file + " cannot be read or created ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
