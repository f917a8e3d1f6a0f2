package dev.spindle.stress;

import dev.spindle.mailbox.MailboxHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * Holder only (jcstress hands it from the actors to the arbiter). Records every message a drain
 * hands over, system and user alike, in the order handled.
 */
public final class Recorder implements MailboxHandler<Object, Object> {

    private final List<Object> handled = new ArrayList<>(4);

    @Override
    public boolean onSystemMessage(Object message) {
        handled.add(message);
        return true;
    }

    @Override
    public boolean onMessage(Object message) {
        handled.add(message);
        return true;
    }

    /** {@return how many messages were handled} */
    int size() {
        return handled.size();
    }

    /** {@return how many times {@code message} was handled} */
    int count(Object message) {
        int n = 0;
        for (Object m : handled) {
            if (m.equals(message)) {
                n++;
            }
        }
        return n;
    }

    /** {@return the first {@code n} messages handled, space-separated, or "-" for none} */
    String first(int n) {
        if (n == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(handled.get(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return first(handled.size());
    }
}
