package io.keyway.bench;

/** How the PostgreSQL under a ledger phase treats a commit. */
enum Durability {
  /**
   * {@code EmbeddedPostgresServer.startEphemeral()}: fsync and synchronous_commit off, so a commit
   * is answered before its WAL reaches the disk. Shows what the ledger costs in CPU and round trips.
   */
  FSYNC_OFF("fsync off"),
  /** fsync and synchronous_commit on: a commit is answered once its WAL is flushed to the disk. */
  DURABLE("durable");

  private final String label;

  Durability(String label) {
    this.label = label;
  }

  /** The name the report shows. */
  String label() {
    return label;
  }
}
