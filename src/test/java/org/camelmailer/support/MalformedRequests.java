package org.camelmailer.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * POST /message requests that the API must refuse, each with the status it must get: a named table of the
 * classic ones and a seeded generator of thousands more. Every case is invalid by construction (never a random
 * mutation that might happen to be a valid request), so any 2xx is a finding.
 */
public final class MalformedRequests {

    public static final String JSON = "application/json";

    /** One refused request: its body bytes, its Content-Type (null: none) and the status it must get. */
    public record Case(String name, String contentType, byte[] body, int expected) {

        static Case json(String name, String body) {
            return new Case(name, JSON, body.getBytes(StandardCharsets.UTF_8), 400);
        }

        static Case json(String name, Map<String, Object> body) {
            return json(name, Json.of(body));
        }

        @Override
        public String toString() {
            String shown = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8)
                    .replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
            return name + " [" + contentType + ", " + body.length + " bytes] " + shown;
        }
    }

    private static final String[] FIELDS = {"destinataire", "sujet", "message"};
    private static final String[] LINE_BREAKS = {"\r\n", "\n", "\r", "\r\n\r\n", "\n\n", "\r\n "};
    private static final String[] SMUGGLED = {"Bcc: spy@evil.test", "Cc: spy@evil.test", "To: spy@evil.test",
            "Content-Type: text/html", "Subject: owned", "Reply-To: spy@evil.test", "X-Mailer: evil", ""};
    private static final String[] SEPARATORS = {",", ", ", ";", "; ", " ", "\t", " , ", ",,"};
    private static final String[] BAD_ADDRESSES = {"", " ", "alice", "alice@", "@example.org", "alice@@example.org",
            "alice@example..org", "alice@.example.org", "alice@-example.org", "alice example@example.org",
            "alice@exa mple.org", "<alice@example.org", "Alice <alice@example.org> x", "alice@example.org>",
            "alice@127.0.0.1", "a\"b@example.org", "alice@example.org,", ",alice@example.org", "josé@example.org",
            "alice@example.org.", "alice@exa_mple.org", "Martin, Alice <alice@example.org>", "alice\u200b@example.org",
            "undisclosed-recipients:;", "team: alice@example.org, bob@example.org;", "alice@[999.0.0.1]",
            "x".repeat(65) + "@example.org", "alice@" + "d".repeat(64) + ".org", "mailto:alice@example.org",
            "alice(comment)@example.org", "alice@example.org (Alice)"};
    private static final String[] WRONG_CONTENT_TYPES = {null, "", "text/plain", "text/html", "application/xml",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/json", "json",
            "application/octet-stream", "application/javascript", "*/*", "application/*", "text/plain; charset=utf-8"};

    private MalformedRequests() {
    }

    /** A valid body, for the cases derived from it. */
    public static Map<String, Object> valid() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("destinataire", "alice@example.org");
        body.put("sujet", "Réunion");
        body.put("message", "Bonjour Alice");
        body.put("enhance_content", false);
        return body;
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = valid();
        body.put(field, value);
        return body;
    }

    private static Map<String, Object> without(String... fields) {
        Map<String, Object> body = valid();
        for (String f : fields) {
            body.remove(f);
        }
        return body;
    }

    /** The classic malformed requests, one per line, named. */
    public static List<Case> table() {
        String valid = Json.of(valid());
        List<Case> cases = new ArrayList<>();
        // not JSON, truncated, not an object
        cases.add(Case.json("empty body", ""));
        cases.add(Case.json("blank body", " \r\n\t "));
        cases.add(Case.json("truncated after the brace", "{"));
        cases.add(Case.json("truncated in a key", "{\"destin"));
        cases.add(Case.json("truncated in a value", valid.substring(0, valid.indexOf("Réunion") + 3)));
        cases.add(Case.json("truncated before the last brace", valid.substring(0, valid.length() - 1)));
        cases.add(Case.json("single quotes", valid.replace('"', '\'')));
        cases.add(Case.json("unquoted keys", "{destinataire:\"alice@example.org\",sujet:\"s\",message:\"m\"}"));
        cases.add(Case.json("trailing comma", valid.substring(0, valid.length() - 1) + ",}"));
        cases.add(Case.json("comments", "/* hi */" + valid));
        cases.add(Case.json("trailing garbage", valid + "x"));
        cases.add(Case.json("two objects", valid + valid));
        cases.add(Case.json("NaN value", "{\"destinataire\":NaN,\"sujet\":\"s\",\"message\":\"m\"}"));
        cases.add(Case.json("form encoded under a JSON type", "destinataire=alice%40example.org&sujet=s&message=m"));
        cases.add(Case.json("XML under a JSON type", "<message><destinataire>alice@example.org</destinataire></message>"));
        cases.add(Case.json("array root", "[" + valid + "]"));
        cases.add(Case.json("empty array", "[]"));
        cases.add(Case.json("string root", "\"alice@example.org\""));
        cases.add(Case.json("number root", "42"));
        cases.add(Case.json("null root", "null"));
        cases.add(Case.json("true root", "true"));
        cases.add(Case.json("empty object", "{}"));
        cases.add(Case.json("duplicate destinataire", "{\"destinataire\":\"alice@example.org\",\"destinataire\":\"spy@evil.test\","
                + "\"sujet\":\"s\",\"message\":\"m\"}"));
        cases.add(Case.json("duplicate sujet", "{\"destinataire\":\"alice@example.org\",\"sujet\":\"a\",\"sujet\":\"b\",\"message\":\"m\"}"));
        // missing, blank, wrong types, nested junk
        for (String f : FIELDS) {
            cases.add(Case.json("missing " + f, without(f)));
            cases.add(Case.json("null " + f, with(f, null)));
            cases.add(Case.json("empty " + f, with(f, "")));
            cases.add(Case.json("blank " + f, with(f, " \t ")));
            cases.add(Case.json("number " + f, with(f, 42)));
            cases.add(Case.json("boolean " + f, with(f, true)));
            if (!"destinataire".equals(f)) { // a list of recipients is an array
                cases.add(Case.json("array " + f, with(f, List.of("alice@example.org"))));
            }
            cases.add(Case.json("object " + f, with(f, Map.of(f, "alice@example.org"))));
            cases.add(Case.json("nested junk " + f, with(f, List.of(Map.of("a", List.of(1, Map.of("b", List.of()))), "x"))));
            cases.add(Case.json("NUL in " + f, with(f, "alice@example.org".equals(valid().get(f)) ? "alice@example.org\0"
                    : "avant\0après")));
        }
        cases.add(Case.json("raw NUL byte in sujet", valid.replace("Réunion", "Ré\0union")));
        cases.add(Case.json("raw line feed in a JSON string", valid.replace("Réunion", "Ré\nunion")));
        cases.add(Case.json("enhance_content as a string", with("enhance_content", "true")));
        cases.add(Case.json("enhance_content as a number", with("enhance_content", 1)));
        cases.add(Case.json("enhance_content null", with("enhance_content", null)));
        cases.add(Case.json("enhance_content as an object", with("enhance_content", Map.of("on", true))));
        // header injection through the fields
        cases.add(Case.json("CRLF Bcc in sujet", with("sujet", "Réunion\r\nBcc: spy@evil.test")));
        cases.add(Case.json("LF Bcc in sujet", with("sujet", "Réunion\nBcc: spy@evil.test")));
        cases.add(Case.json("CR Bcc in sujet", with("sujet", "Réunion\rBcc: spy@evil.test")));
        cases.add(Case.json("CRLF body in sujet", with("sujet", "Réunion\r\n\r\n<html>phish</html>")));
        cases.add(Case.json("CRLF Bcc in destinataire", with("destinataire", "alice@example.org\r\nBcc: spy@evil.test")));
        cases.add(Case.json("LF Bcc in destinataire", with("destinataire", "alice@example.org\nBcc: spy@evil.test")));
        cases.add(Case.json("Bcc: as destinataire", with("destinataire", "Bcc: spy@evil.test")));
        cases.add(Case.json("CRLF then folded Cc in sujet", with("sujet", "Réunion\r\n Cc: spy@evil.test")));
        // several addresses, invalid addresses
        cases.add(Case.json("two addresses, comma", with("destinataire", "alice@example.org,spy@evil.test")));
        cases.add(Case.json("two addresses, comma space", with("destinataire", "alice@example.org, spy@evil.test")));
        cases.add(Case.json("two addresses, semicolon", with("destinataire", "alice@example.org;spy@evil.test")));
        cases.add(Case.json("two addresses, space", with("destinataire", "alice@example.org spy@evil.test")));
        cases.add(Case.json("two named addresses", with("destinataire", "Alice <alice@example.org>, Spy <spy@evil.test>")));
        cases.add(Case.json("a group", with("destinataire", "friends: alice@example.org, spy@evil.test;")));
        for (String bad : BAD_ADDRESSES) {
            if (!bad.isBlank()) {
                cases.add(Case.json("invalid address " + bad.substring(0, Math.min(bad.length(), 40)), with("destinataire", bad)));
            }
        }
        // huge strings, deep nesting, huge numbers
        cases.add(Case.json("sujet of 999 characters", with("sujet", "s".repeat(999))));
        cases.add(Case.json("sujet of 100 000 characters", with("sujet", "s".repeat(100_000))));
        cases.add(Case.json("destinataire of 100 000 characters", with("destinataire", "a".repeat(100_000) + "@example.org")));
        cases.add(Case.json("destinataire of 50 000 dotted parts", with("destinataire", "a.".repeat(50_000) + "a@example.org")));
        cases.add(Case.json("huge key, no field", "{\"" + "k".repeat(200_000) + "\":1}"));
        cases.add(Case.json("array nested 5 000 deep", "[".repeat(5_000) + "]".repeat(5_000)));
        cases.add(Case.json("object nested 3 000 deep in sujet", valid.replace("\"Réunion\"",
                "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000))));
        cases.add(Case.json("number of 5 000 digits", valid.replace("\"Réunion\"", "9".repeat(5_000))));
        cases.add(Case.json("exponent 1e999999", valid.replace("\"Réunion\"", "1e999999")));
        // wrong Content-Type, with a valid body
        for (String type : WRONG_CONTENT_TYPES) {
            cases.add(new Case("Content-Type " + type, type, valid.getBytes(StandardCharsets.UTF_8), 415));
        }
        return cases;
    }

    /** {@code count} malformed requests drawn with {@code seed}; the same seed gives the same requests. */
    public static List<Case> generated(long seed, int count) {
        Random random = new Random(seed);
        List<Function<Random, Case>> kinds = List.of(MalformedRequests::truncated, MalformedRequests::wrongType,
                MalformedRequests::missing, MalformedRequests::blank, MalformedRequests::nul,
                MalformedRequests::lineBreak, MalformedRequests::severalAddresses, MalformedRequests::badAddress,
                MalformedRequests::junkRoot, MalformedRequests::duplicateKey, MalformedRequests::trailing,
                MalformedRequests::deep, MalformedRequests::hugeSujet, MalformedRequests::wrongContentType,
                MalformedRequests::randomBytes, MalformedRequests::enhanceNotBoolean);
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Case c = kinds.get(random.nextInt(kinds.size())).apply(random);
            cases.add(new Case("#" + i + " " + c.name(), c.contentType(), c.body(), c.expected()));
        }
        return cases;
    }

    private static String field(Random r) {
        return FIELDS[r.nextInt(FIELDS.length)];
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    /** A random body that looks valid (varied text), the base of the derived cases. */
    private static Map<String, Object> plausible(Random r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("destinataire", address(r));
        body.put("sujet", text(r, 1 + r.nextInt(60)));
        body.put("message", text(r, 1 + r.nextInt(400)));
        if (r.nextBoolean()) {
            body.put("enhance_content", r.nextBoolean());
        }
        return body;
    }

    private static String address(Random r) {
        return "u" + r.nextInt(100_000) + "@" + pick(r, new String[] {"example.org", "mail.example.com", "partner.test"});
    }

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"\\/éèàçœ€ß—日本語😀<>&{}[]";

    private static String text(Random r, int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            s.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0,
                    r.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
        }
        return s.toString().isBlank() ? "x" + s : s.toString();
    }

    private static Case truncated(Random r) {
        String valid = Json.of(plausible(r));
        // every proper prefix of a JSON object lacks its closing brace
        int cut = r.nextInt(valid.length());
        return Case.json("truncated at " + cut, valid.substring(0, cut));
    }

    /** A JSON value that is not a string, possibly nested. */
    private static Object junk(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 4 : 6);
        switch (kind) {
            case 0: return r.nextInt();
            case 1: return r.nextBoolean();
            case 2: return null;
            case 3: return r.nextDouble() * 1e12;
            case 4: {
                List<Object> list = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    list.add(r.nextBoolean() ? junk(r, depth + 1) : text(r, 5));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    map.put(r.nextBoolean() ? field(r) : text(r, 4), r.nextBoolean() ? junk(r, depth + 1) : address(r));
                }
                return map;
            }
        }
    }

    private static Case wrongType(Random r) {
        Map<String, Object> body = plausible(r);
        String f = field(r);
        Object value = junk(r, 0);
        body.put(f, value);
        return Case.json("wrong type " + f, body);
    }

    private static Case missing(Random r) {
        Map<String, Object> body = plausible(r);
        String f = field(r);
        body.remove(f);
        if (r.nextBoolean()) {
            body.remove(field(r));
        }
        return Case.json("missing " + f, body);
    }

    private static Case blank(Random r) {
        Map<String, Object> body = plausible(r);
        String f = field(r);
        // String.isBlank() whitespace only: a no-break space is not blank and would make a valid message
        body.put(f, pick(r, new String[] {"", " ", "\t", "   ", "\r\n", " \n ", "\u2003", "\t\u2002 "}));
        return Case.json("blank " + f, body);
    }

    private static Case nul(Random r) {
        Map<String, Object> body = plausible(r);
        String f = field(r);
        String value = (String) body.get(f);
        int at = r.nextInt(value.length() + 1);
        body.put(f, value.substring(0, at) + "\0" + value.substring(at));
        return Case.json("NUL in " + f, body);
    }

    private static Case lineBreak(Random r) {
        Map<String, Object> body = plausible(r);
        String f = r.nextBoolean() ? "sujet" : "destinataire";
        String value = (String) body.get(f);
        int at = r.nextInt(value.length() + 1);
        body.put(f, value.substring(0, at) + pick(r, LINE_BREAKS) + pick(r, SMUGGLED) + value.substring(at));
        return Case.json("line break in " + f, body);
    }

    private static Case severalAddresses(Random r) {
        Map<String, Object> body = plausible(r);
        StringBuilder to = new StringBuilder(address(r));
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            to.append(pick(r, SEPARATORS)).append(r.nextInt(3) == 0 ? "Spy <spy@evil.test>" : address(r));
        }
        body.put("destinataire", to.toString());
        return Case.json("several addresses", body);
    }

    private static Case badAddress(Random r) {
        Map<String, Object> body = plausible(r);
        String bad = pick(r, BAD_ADDRESSES);
        body.put("destinataire", bad.isBlank() ? "" : bad);
        return Case.json("bad address", body);
    }

    private static Case junkRoot(Random r) {
        Object root;
        do {
            root = junk(r, 0);
        } while (root instanceof Map<?, ?> map && map.keySet().containsAll(List.of(FIELDS)));
        return Case.json("junk root", Json.of(root));
    }

    private static Case duplicateKey(Random r) {
        Map<String, Object> body = plausible(r);
        String json = Json.of(body);
        String f = field(r);
        return Case.json("duplicate " + f, "{\"" + f + "\":" + Json.of(body.get(f)) + "," + json.substring(1));
    }

    private static Case trailing(Random r) {
        return Case.json("trailing garbage", Json.of(plausible(r))
                + pick(r, new String[] {"x", "}", "]", ",", "{}", "[]", "null", "0", "\"", "{\"a\":1}"}));
    }

    private static Case deep(Random r) {
        int depth = 1_001 + r.nextInt(4_000);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        Map<String, Object> body = plausible(r);
        String json = Json.of(body);
        String f = field(r);
        String marker = "\"" + f + "\":";
        int at = json.indexOf(marker) + marker.length();
        int end = json.indexOf(",\"", at) < 0 ? json.length() - 1 : json.indexOf(",\"", at);
        return Case.json("nested " + depth + " deep in " + f, json.substring(0, at) + nested + json.substring(end));
    }

    private static Case hugeSujet(Random r) {
        Map<String, Object> body = plausible(r);
        body.put("sujet", text(r, 999 + r.nextInt(20_000)));
        return Case.json("huge sujet", body);
    }

    private static Case wrongContentType(Random r) {
        return new Case("wrong Content-Type", pick(r, WRONG_CONTENT_TYPES),
                Json.of(plausible(r)).getBytes(StandardCharsets.UTF_8), 415);
    }

    private static Case randomBytes(Random r) {
        byte[] bytes = new byte[r.nextInt(2_000)];
        r.nextBytes(bytes);
        return new Case("random bytes", JSON, bytes, 400);
    }

    private static Case enhanceNotBoolean(Random r) {
        Map<String, Object> body = plausible(r);
        Object value;
        do {
            value = r.nextBoolean() ? junk(r, 0) : pick(r, new String[] {"true", "false", "yes", "1", ""});
        } while (value instanceof Boolean);
        body.put("enhance_content", value);
        return Case.json("enhance_content " + value, body);
    }
}
