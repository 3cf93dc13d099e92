package io.keyway.gateway.cli;

/** Words on the command line that do not fit the command. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
