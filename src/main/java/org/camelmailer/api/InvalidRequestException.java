package org.camelmailer.api;

/** A request the API refuses, with the HTTP status and the message the client gets as JSON. */
public class InvalidRequestException extends RuntimeException {

    private final int status;

    public InvalidRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public InvalidRequestException(String message) {
        this(400, message);
    }

    public int status() {
        return status;
    }
}
