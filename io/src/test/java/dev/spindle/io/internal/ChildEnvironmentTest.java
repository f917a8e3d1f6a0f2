package dev.spindle.io.internal;

import dev.spindle.io.ProcessSpec;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A child process's environment: inherited or not, never this process's cluster variables. */
class ChildEnvironmentTest {

    @Test
    void shouldInheritTheEnvironmentButNotTheClusterVariablesAndAddTheSpecs() {
        Map<String, String> environment = new HashMap<>(Map.of("PATH", "/bin", "SPINDLE_CLUSTER_WORKER", "2",
                "SPINDLE_CLUSTER_SECRET", "00ff"));
        ChildProcessImpl.environmentFor(environment, ProcessSpec.of("true").withEnvironment(Map.of("MODE", "test")));
        assertThat(environment).containsOnly(Map.entry("PATH", "/bin"), Map.entry("MODE", "test"));
    }

    @Test
    void shouldLetTheSpecSetAClusterVariableOnPurpose() {
        Map<String, String> environment = new HashMap<>(Map.of("PATH", "/bin", "SPINDLE_CLUSTER_WORKER", "2"));
        ChildProcessImpl.environmentFor(environment, ProcessSpec.of("true")
                .withEnvironment(Map.of("SPINDLE_CLUSTER_WORKER", "7")).withInheritEnvironment(false));
        assertThat(environment).containsOnly(Map.entry("SPINDLE_CLUSTER_WORKER", "7"));
    }
}
