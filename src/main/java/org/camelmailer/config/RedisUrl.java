package org.camelmailer.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * REDIS_URL read: {@code redis://[user:password@]host[:port][/db]} or {@code rediss://} (TLS). A pattern, not
 * java.net.URI: URI refuses host names with '_', common for Compose service names.
 */
public record RedisUrl(boolean tls, String user, String password, String host, int port, Integer database) {

    /** scheme, user info, host, port, database. */
    private static final Pattern URL = Pattern.compile(
            "(redis|rediss)://(?:([^@/]*)@)?([A-Za-z0-9._-]+|\\[[0-9a-fA-F:.]+\\])(?::(\\d{1,5}))?(?:/(\\w*))?/?");

    /** The URL's parts, or an IllegalArgumentException saying what is wrong (never quoting the URL: it may hold a password). */
    public static RedisUrl parse(String url) {
        Matcher m = URL.matcher(url == null ? "" : url.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("must look like redis://[user:password@]host:port/db or rediss://...");
        }
        String user = null;
        String password = null;
        String userInfo = m.group(2);
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String u = colon >= 0 ? userInfo.substring(0, colon) : "";
            user = u.isEmpty() ? null : decode(u);
            password = decode(colon >= 0 ? userInfo.substring(colon + 1) : userInfo);
        }
        Integer database = null;
        String db = m.group(5);
        if (db != null && !db.isEmpty()) {
            try {
                database = Integer.parseInt(db);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the database after '/' must be a number");
            }
        }
        return new RedisUrl("rediss".equals(m.group(1)), user, password, m.group(3),
                m.group(4) != null ? Integer.parseInt(m.group(4)) : 6379, database);
    }

    /** Refuses a Sentinel address (REDIS_SENTINELS entry) that is not host:port. */
    public static void checkSentinel(String hostAndPort) {
        if (!hostAndPort.matches("[A-Za-z0-9._-]+:\\d{1,5}") || Integer.parseInt(hostAndPort.replaceAll(".*:", "")) > 65535) {
            throw new IllegalArgumentException("must be host:port");
        }
    }

    /** The URL without its password (user:password@ or a lone password@), for log lines and messages. */
    public static String redact(String url) {
        return url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@").replaceAll("//[^:@/]+@", "//***@");
    }

    /** Percent-decoding only: a '+' in a password stays a '+' (URLDecoder would make it a space). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
