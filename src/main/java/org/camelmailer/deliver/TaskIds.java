package org.camelmailer.deliver;

import java.util.regex.Pattern;

/** Guards the task id before delivery puts it into a Message-ID header or an outbox file name. */
final class TaskIds {

    // Letters, digits, '-' and '_' only: safe both as a Message-ID left part and as a file name,
    // so a crafted id can neither fold a header nor climb out of the outbox directory.
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private TaskIds() {
    }

    static String requireSafe(String taskId) {
        if (taskId == null || !SAFE.matcher(taskId).matches()) {
            throw new IllegalArgumentException("task id must match [A-Za-z0-9_-]{1,128}");
        }
        return taskId;
    }
}
