package ca.heroa.appliance.podman;

import ca.heroa.appliance.image.ImageDigest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Podman, through its libpod REST API on a Unix socket: the only way the appliance talks to it. Every call has a
 * timeout. A call that cannot reach Podman throws {@link PodmanUnavailableException}; one Podman refuses throws
 * {@link PodmanException}.
 */
public interface PodmanClient extends AutoCloseable {
    /** Connects to the service on {@code socket}, without checking that it answers (call {@link #version()}). */
    static PodmanClient connect(Path socket, PodmanSettings settings) {
        return new LibpodClient(socket, settings);
    }

    /** Also the ping: fails when nobody answers on the socket. */
    PodmanVersion version();

    /**
     * Loads an image archive (OCI or Docker format) into Podman's storage.
     *
     * @throws InvalidImageArchiveException when Podman cannot read it as an image, or it holds other than one image
     */
    LoadedImage loadImage(Path archive);

    Optional<ImageInfo> inspectImage(ImageDigest id);

    /** Removes the image from Podman's storage; a missing image is not an error. */
    void removeImage(ImageDigest id);

    /** Creates a container, with the isolation every container gets; see {@link ContainerSpec}. */
    ContainerId createContainer(ContainerSpec spec);

    /** @throws PodmanException with status 404 when there is no such container */
    ContainerInfo inspectContainer(ContainerId id);

    void startContainer(ContainerId id);

    /** Its exit code once it stopped, or empty if it still runs after {@code timeout}. */
    Optional<Integer> waitForExit(ContainerId id, Duration timeout);

    /** SIGKILL; a container already stopped, or gone, is not an error. */
    void killContainer(ContainerId id);

    /** Removes it, running or not, with its anonymous volumes; a missing container is not an error. */
    void removeContainer(ContainerId id);

    /** What it wrote to stdout and stderr, each cut at {@code maxBytesPerStream}; reading stops once both are cut. */
    ContainerLogs logs(ContainerId id, int maxBytesPerStream);

    /** Every container, running or not, that carries the label {@code labelKey} (any value). */
    List<ContainerSummary> listContainers(String labelKey);

    /** Releases the HTTP client's connections. */
    @Override
    void close();
}
