package org.camelmailer.template;

import java.util.List;

/**
 * One template as {@code GET /templates} lists it: its parts in the order subject, text, html, and the variables a
 * request may give it at top level, sorted (see {@link TemplateStore} for which names count).
 */
public record TemplateInfo(String name, List<String> parts, List<String> variables) {

    public TemplateInfo {
        parts = List.copyOf(parts);
        variables = List.copyOf(variables);
    }
}
