package org.camelmailer.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces every configured secret (GEMINI_API_KEY, SMTP_PASSWORD, MAILER_API_KEY, the password in REDIS_URL) with
 * "***" in text that came from outside: an upstream error quoting a key must not reach a log, Redis or a client.
 */
public final class SecretRedactor implements UnaryOperator<String> {

    private static final Pattern URL_PASSWORD = Pattern.compile("//[^:@/]*:([^@/]+)@");

    private final List<String> secrets = new ArrayList<>();

    public SecretRedactor(Settings settings) {
        for (Setting s : Setting.values()) {
            if (s.secret() && settings.isSet(s)) {
                secrets.add(settings.get(s));
            }
        }
        Matcher m = URL_PASSWORD.matcher(settings.get(Setting.REDIS_URL));
        if (m.find()) {
            secrets.add(m.group(1));
        }
    }

    @Override
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        for (String secret : secrets) {
            text = text.replace(secret, "***");
        }
        return text;
    }
}
