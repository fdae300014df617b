package org.camelmailer.template;

/** A template rendered for one message: each part is null where the template has no file for it. */
public record Rendered(String subject, String text, String html) {
}
