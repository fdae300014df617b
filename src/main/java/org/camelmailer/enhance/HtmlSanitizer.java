package org.camelmailer.enhance;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/** Enhance step, last stage: makes Gemini's HTML safe to send, so only formatting and plain links reach the inbox. */
public final class HtmlSanitizer {

    // Models often wrap the answer in ```html ... ``` even when told not to.
    private static final Pattern FENCE = Pattern.compile("\\A\\s*```[\\w-]*[^\\S\\n]*\\n?(.*?)\\s*```\\s*\\z", Pattern.DOTALL);
    private static final Pattern OPENING_FENCE = Pattern.compile("\\A\\s*```[\\w-]*[^\\S\\n]*\\n");
    private static final Pattern BODY = Pattern.compile("<body\\b[^>]*>(.*?)(?:</body\\s*>|\\z)",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    // Outside <body>, only <head> has content, and its <title> text would otherwise survive as stray text.
    private static final Pattern HEAD = Pattern.compile("<head\\b[^>]*>.*?(?:</head\\s*>|\\z)",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern DOCUMENT_TAGS = Pattern.compile("<!doctype[^>]*>|</?html\\b[^>]*>|</?body\\b[^>]*>",
            Pattern.CASE_INSENSITIVE);

    // No <img> at all: a remote image in a mail is a tracking pixel, and Gemini has no business adding one.
    // No URLs inside styles either (allowStyling() refuses them by default): same pixel, through CSS.
    private static final PolicyFactory POLICY = new HtmlPolicyBuilder()
            .allowElements("p", "div", "span", "br", "hr", "pre", "blockquote",
                    "h1", "h2", "h3", "h4", "h5", "h6",
                    "b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "sub", "sup",
                    "small", "big", "mark", "code", "tt", "abbr", "cite", "q",
                    "ul", "ol", "li", "dl", "dt", "dd",
                    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td")
            .allowAttributes("title", "lang", "dir").globally()
            .allowAttributes("colspan", "rowspan", "scope", "align", "valign").onElements("th", "td")
            .allowAttributes("start", "type").onElements("ol")
            .allowStyling()
            .allowElements("a")
            .allowAttributes("href").onElements("a")
            .allowUrlProtocols("http", "https", "mailto")
            .requireRelsOnLinks("nofollow", "noopener")
            .toFactory();

    /** Safe HTML for the mail's text/html part; "" for null. */
    public String sanitize(String html) {
        if (html == null) {
            return "";
        }
        return POLICY.sanitize(unwrapDocument(stripFence(html))).strip();
    }

    private static String stripFence(String text) {
        Matcher fenced = FENCE.matcher(text);
        if (fenced.matches()) {
            return fenced.group(1);
        }
        // an answer cut short may have lost its closing fence
        return OPENING_FENCE.matcher(text).replaceFirst("");
    }

    private static String unwrapDocument(String html) {
        Matcher body = BODY.matcher(html);
        String inner = body.find() ? body.group(1) : HEAD.matcher(html).replaceAll("");
        return DOCUMENT_TAGS.matcher(inner).replaceAll("");
    }
}
