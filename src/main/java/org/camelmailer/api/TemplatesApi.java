package org.camelmailer.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Message;
import org.camelmailer.template.TemplateStore;

/** {@code GET /templates}: the templates a message may name, with their parts and the variables each uses. */
public final class TemplatesApi {

    private final TemplateStore templates;

    public TemplatesApi(TemplateStore templates) {
        this.templates = templates;
    }

    public void list(Message out) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("templates", templates.list());
        ApiResponses.respond(out, 200, body);
    }
}
