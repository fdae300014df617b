package org.camelmailer.api;

import java.util.List;

import org.camelmailer.message.MailTask;

/**
 * A {@code POST /messages/batch} as read: each item, by its index, either a valid task or the refusal it would have
 * had as a single message.
 */
public record Batch(List<Item> items) {

    public record Item(int index, MailTask task, InvalidRequestException refusal) {
    }

    public List<MailTask> tasks() {
        return items.stream().filter(i -> i.task() != null).map(Item::task).toList();
    }
}
