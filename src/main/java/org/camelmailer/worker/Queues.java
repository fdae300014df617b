package org.camelmailer.worker;

import java.util.List;

/** The service's two queues: the API pushes onto them (routes/api.camel.yaml), the worker routes take from them. */
public final class Queues {

    /** Plain tasks: milliseconds of work each. */
    public static final String PLAIN = "mailer:queue";
    /** Tasks to enhance wait on Gemini for seconds: their own queue and workers keep plain mail flowing. */
    public static final String ENHANCE = "mailer:queue:enhance";
    public static final List<String> ALL = List.of(PLAIN, ENHANCE);

    private Queues() {
    }
}
