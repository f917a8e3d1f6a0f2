package dev.spindle.mailbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A handler that records what it is given, in order, tagging system messages. */
final class Recorder implements MailboxHandler<Object, Object> {
    final List<Object> seen = new ArrayList<>();
    Predicate<Object> stopAfter = message -> false;
    Predicate<Object> throwOn = message -> false;

    @Override
    public boolean onSystemMessage(Object message) {
        return record("sys:" + message);
    }

    @Override
    public boolean onMessage(Object message) {
        return record(message);
    }

    private boolean record(Object entry) {
        seen.add(entry);
        if (throwOn.test(entry)) {
            throw new IllegalStateException("handler failed on " + entry);
        }
        return !stopAfter.test(entry);
    }
}
