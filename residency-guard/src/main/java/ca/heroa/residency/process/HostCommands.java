package ca.heroa.residency.process;

/**
 * The one way the appliance runs an external program. No shell: the program and its arguments are passed as they are.
 * The real implementation is {@link ProcessHostCommands}; tests use a hand-written fake (FakeHostCommands, in the tests).
 */
public interface HostCommands {
    /**
     * Runs {@code command} to its end and returns how it ended (a non-zero exit is a result, not an exception).
     *
     * @throws HostCommandException when the program is not one this instance may run, cannot be started, or does not
     *         end within the command's timeout (it is then killed with all its descendants)
     */
    CommandResult run(Command command);
}
