package org.camelmailer.template;

/**
 * A template a message cannot use, found at accept time: 400 a name that is not a safe name, 404 no such template,
 * 422 a template that does not compile, a missing variable, a subject the variables break. The message, in French
 * like the rest of the API, names the template and the variable or file.
 */
public final class TemplateException extends RuntimeException {

    private final int status;

    TemplateException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status the API answers with. */
    public int status() {
        return status;
    }
}
