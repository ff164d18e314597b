package dev.focus.checkpoint;

/**
 * A checkpoint that cannot be read or does not fit: a corrupt, truncated or mismatched file. The message
 * names the file and, where one is at fault, the tensor. Extends {@link IllegalArgumentException} so
 * that the CLI reports it as a user error in one line.
 */
public final class CheckpointException extends IllegalArgumentException {
  public CheckpointException(String message) { super(message); }

  public CheckpointException(String message, Throwable cause) { super(message, cause); }
}
