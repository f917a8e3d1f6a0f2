package dev.spindle.samples.chat;

import dev.spindle.samples.chat.Protocol.Said;

import java.util.ArrayList;
import java.util.List;

/**
 * Actor-thread only (its owner's). A room's latest messages, at most {@code capacity}, numbered one
 * after another from {@link #first()} to {@link #last()}: a ring indexed by {@code seq}.
 */
final class History {

    private final Said[] ring;
    /** The oldest message held; {@code last + 1} when none is. */
    private long first = 1;
    /** The newest message held, or seen; 0 before any. */
    private long last;

    History(int capacity) {
        ring = new Said[capacity];
    }

    /**
     * Adds the room's next message.
     *
     * @return false if it is not newer than {@link #last()} (seen already: a worker's snapshot may
     *     overlap what it was sent live)
     */
    boolean add(Said said) {
        if (said.seq() <= last) {
            return false;
        }
        if (said.seq() != last + 1) {
            first = said.seq(); // a snapshot that starts past 1: nothing before it is ours
        }
        last = said.seq();
        ring[index(last)] = said;
        first = Math.max(first, last - ring.length + 1);
        return true;
    }

    long first() {
        return first;
    }

    long last() {
        return last;
    }

    /** {@return message {@code seq}} @throws IndexOutOfBoundsException if it is not held */
    Said get(long seq) {
        if (seq < first || seq > last) {
            throw new IndexOutOfBoundsException("message " + seq + " of " + first + " to " + last);
        }
        return ring[index(seq)];
    }

    /** {@return the messages held, oldest first} */
    List<Said> toList() {
        List<Said> all = new ArrayList<>((int) (last - first + 1));
        for (long seq = first; seq <= last; seq++) {
            all.add(get(seq));
        }
        return all;
    }

    private int index(long seq) {
        return (int) (seq % ring.length);
    }
}
