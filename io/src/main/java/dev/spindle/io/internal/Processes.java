package dev.spindle.io.internal;

import dev.spindle.io.ProcessEvent;
import dev.spindle.io.ProcessSpec;

/** Child processes, for the API class. */
public final class Processes {

    private Processes() {
    }

    public static void spawn(ProcessSpec spec, Recipient<ProcessEvent, ?> to) {
        ChildProcessImpl.spawn(spec, to);
    }
}
