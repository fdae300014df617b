package org.camelmailer.message;

/**
 * Why a text is not one usable e-mail address: the reason in English (the message, for logs and configuration
 * errors) and in French (for the API's answers, which are French).
 */
public final class InvalidAddressException extends IllegalArgumentException {

    private final String raison;

    InvalidAddressException(String reason, String raison) {
        super(reason);
        this.raison = raison;
    }

    /** The reason in French, said so that it reads after "doit être une seule adresse e-mail valide : ". */
    public String raison() {
        return raison;
    }
}
