package org.camelmailer.deliver;

import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.camelmailer.message.MailTask;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/** Deliver stage without SMTP: stores the composed message as outbox/&lt;task_id&gt;.eml. */
public final class OutboxWriter {

    private final Path dir;

    public OutboxWriter(Path dir) {
        this.dir = dir;
    }

    /** The route's step (deliver-mail without SMTP): the composed mail, as outbox/&lt;task_id&gt;.eml. */
    public Path store(@Variable("task") MailTask task, @Body MimeMessage message) {
        return write(task.taskId(), message);
    }

    public Path write(String taskId, MimeMessage message) {
        Path target = dir.resolve(TaskIds.requireSafe(taskId) + ".eml");
        Path temp = null;
        try {
            Files.createDirectories(dir);
            // Same directory so the move is a rename; a dot name and .tmp suffix so nobody
            // watching for *.eml picks up a half-written file.
            temp = Files.createTempFile(dir, "." + taskId + "-", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                message.writeTo(out);
                out.flush();
                // On disk before the rename, or a crash could leave an empty .eml behind a complete name.
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } catch (MessagingException e) {
            throw new UncheckedIOException("cannot write " + target, new IOException(e.getMessage(), e));
        } finally {
            deleteQuietly(temp);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // Only a leftover .tmp file; the outcome of the write is already decided.
        }
    }
}
