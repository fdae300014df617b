package org.camelmailer.deliver;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plain-text part of a mail that came with HTML only: what a reader without HTML should see. Blocks become
 * lines, list items dashes, a link its text followed by its address; scripts, styles and the head are dropped and
 * character references decoded. Not a renderer: a readable fallback, as SendGrid and Postmark derive one.
 */
final class HtmlText {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern INVISIBLE = Pattern.compile(
            "<(head|style|script|template|title)\\b[^>]*>.*?</\\1\\s*>|<!--.*?-->", FLAGS);
    private static final Pattern LINK = Pattern.compile(
            "<a\\b[^>]*?\\bhref\\s*=\\s*(\"([^\"]*)\"|'([^']*)'|([^\\s>]+))[^>]*>(.*?)</a\\s*>", FLAGS);
    private static final Pattern LINE_BREAK = Pattern.compile("<br\\b[^>]*>", FLAGS);
    private static final Pattern LIST_ITEM = Pattern.compile("<li\\b[^>]*>", FLAGS);
    private static final Pattern BLOCK_END = Pattern.compile(
            "</?(p|div|h[1-6]|tr|table|ul|ol|blockquote|pre|hr|section|article|header|footer)\\b[^>]*>", FLAGS);
    private static final Pattern CELL_END = Pattern.compile("</t[dh]\\s*>", FLAGS);
    private static final Pattern TAG = Pattern.compile("<[^>]*>", FLAGS);
    private static final Pattern REFERENCE = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\r]+");
    private static final Pattern LINE_SPACES = Pattern.compile(" *\\n *");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

    private HtmlText() {
    }

    static String of(String html) {
        String s = INVISIBLE.matcher(html).replaceAll("");
        s = LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement(link(m)));
        s = SPACES.matcher(s.replace('\n', ' ')).replaceAll(" ");
        s = LINE_BREAK.matcher(s).replaceAll("\n");
        s = LIST_ITEM.matcher(s).replaceAll("\n- ");
        s = BLOCK_END.matcher(s).replaceAll("\n");
        s = CELL_END.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll("");
        s = REFERENCE.matcher(s).replaceAll(m -> Matcher.quoteReplacement(decode(m.group(1), m.group())));
        s = s.replace('\u00A0', ' ');
        s = LINE_SPACES.matcher(s).replaceAll("\n");
        s = BLANK_LINES.matcher(s).replaceAll("\n\n");
        return s.strip();
    }

    private static String link(java.util.regex.MatchResult m) {
        String href = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
        String text = TAG.matcher(m.group(5)).replaceAll("").strip();
        href = href.strip();
        if (href.isEmpty() || href.startsWith("#") || href.equalsIgnoreCase(text)
                || href.toLowerCase().startsWith("mailto:") && href.substring(7).equalsIgnoreCase(text)) {
            return m.group(5);
        }
        return m.group(5) + " (" + href + ")";
    }

    private static String decode(String ref, String whole) {
        try {
            if (ref.startsWith("#x") || ref.startsWith("#X")) {
                return Character.toString(Integer.parseInt(ref.substring(2), 16));
            }
            if (ref.startsWith("#")) {
                return Character.toString(Integer.parseInt(ref.substring(1)));
            }
        } catch (IllegalArgumentException e) {
            return whole;
        }
        return switch (ref) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            case "nbsp" -> " ";
            case "eacute" -> "é";
            case "egrave" -> "è";
            case "agrave" -> "à";
            case "ccedil" -> "ç";
            case "euro" -> "€";
            case "copy" -> "©";
            case "hellip" -> "…";
            case "mdash" -> "—";
            case "ndash" -> "–";
            case "laquo" -> "«";
            case "raquo" -> "»";
            default -> whole;
        };
    }
}
