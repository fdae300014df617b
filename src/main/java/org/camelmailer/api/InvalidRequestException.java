package org.camelmailer.api;

/** A request the API refuses, with the HTTP status and the message the client gets as JSON. */
public class InvalidRequestException extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    public InvalidRequestException(int status, String message) {
        this(status, message, 0);
    }

    /** With a Retry-After (seconds) for the client, as a 429 carries. */
    public InvalidRequestException(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public InvalidRequestException(String message) {
        this(400, message);
    }

    public int status() {
        return status;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
