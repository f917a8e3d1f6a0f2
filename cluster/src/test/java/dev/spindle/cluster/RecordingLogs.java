package dev.spindle.cluster;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.io.Serial;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Thread-safe. The SLF4J provider of the primary's side of the cluster tests (named by the
 * {@code slf4j.provider} system property in the pom, which forked workers do not inherit): it keeps
 * every event at INFO or above so that tests can look at what the primary logged. A trimmed copy of
 * the actors module's test provider, which no other module's tests can use (actors ships no test jar).
 */
public final class RecordingLogs implements SLF4JServiceProvider {

    /** One logged event. */
    public record Event(String logger, Level level, String message) {
    }

    private static final ConcurrentLinkedQueue<Event> EVENTS = new ConcurrentLinkedQueue<>();

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, RecordingLogger::new);

    public RecordingLogs() {
    }

    /** {@return whether the tests run with this provider, as the pom sets them up to} */
    static boolean installed() {
        return org.slf4j.LoggerFactory.getILoggerFactory().getLogger("probe") instanceof RecordingLogger;
    }

    /** {@return the events logged so far whose message contains {@code text}} */
    static List<Event> containing(String text) {
        return EVENTS.stream().filter(e -> e.message().contains(text)).toList();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class RecordingLogger extends LegacyAbstractLogger {
        @Serial
        private static final long serialVersionUID = 1L;

        RecordingLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable failure) {
            EVENTS.add(new Event(name, level, MessageFormatter.basicArrayFormat(pattern, arguments)));
        }
    }
}
