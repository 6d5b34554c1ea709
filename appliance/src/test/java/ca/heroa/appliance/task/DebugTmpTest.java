package ca.heroa.appliance.task;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TestAppliance;
import org.junit.jupiter.api.Test;

import java.util.List;

class DebugTmpTest {
    @Test
    void debug() {
        ApiClient client = TestAppliance.client();
        TaskFixtures.Workspace ws = TaskFixtures.workspace(client, "dbg-" + System.nanoTime());
        TaskFixtures.defineTemplate(client, ws, TaskFixtures.manifest("dbg", ws.image(), List.of("/bin/sh", "-c",
                "ls -ld /tmp; id; echo hi > /tmp/x; echo rc=$?; grep -E 'tmp|heroa' /proc/mounts; (sleep 0.1 &) ; echo forked"), List.of(), "tmpfsMiB", 4));
        System.err.println("DEBUG " + TaskFixtures.runToEnd(client, ws, "dbg"));
    }
}
