package ca.heroa.appliance.api;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.auth.RequestAuthenticator;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.image.ArchiveUpload;
import ca.heroa.appliance.image.ContentDigest;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.image.ImageSettings;
import ca.heroa.appliance.image.ImageStore;
import ca.heroa.appliance.image.ImageUsage;
import ca.heroa.appliance.image.WorkspaceImage;
import ca.heroa.appliance.podman.InvalidImageArchiveException;
import ca.heroa.appliance.podman.LoadedImage;
import ca.heroa.appliance.podman.PodmanClient;
import ca.heroa.appliance.podman.PodmanException;
import ca.heroa.appliance.podman.PodmanUnavailableException;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code /v1/workspaces/{ws}/images}: upload an image archive (OCI or Docker format) into Podman's storage, list,
 * show, delete. A workspace sees only the images it uploaded, by digest; another workspace's image answers exactly
 * like a missing one.
 */
public final class ImageService implements ApiService {
    private static final System.Logger LOG = System.getLogger(ImageService.class.getName());
    private static final List<String> ARCHIVE_TYPES = List.of("application/x-tar", "application/octet-stream");
    private static final io.helidon.http.HeaderName CONTENT_DIGEST = io.helidon.http.HeaderNames.create("Content-Digest");

    private final RequestAuthenticator authenticator;
    private final WorkspaceStore workspaces;
    private final ImageStore images;
    private final PodmanClient podman;
    private final ImageUsage usage;
    private final ImageSettings settings;
    private final Path uploads;
    private final JsonCodec json;
    private final Clock clock;

    /**
     * @param uploads directory for archives while they are received, e.g. {@code <data-dir>/uploads} (created 0700)
     */
    public ImageService(RequestAuthenticator authenticator, WorkspaceStore workspaces, ImageStore images, PodmanClient podman, ImageUsage usage,
                        ImageSettings settings, Path uploads, JsonCodec json, Clock clock) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.images = requireNonNull(images, "images is null");
        this.podman = requireNonNull(podman, "podman is null");
        this.usage = requireNonNull(usage, "usage is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.POST, "/v1/workspaces/{workspace}/images", this::upload),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/images", this::list),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/images/{digest}", this::show),
                new ApiRoute(Method.DELETE, "/v1/workspaces/{workspace}/images/{digest}", this::delete));
    }

    record ImageView(String digest, String archiveSha256, long sizeBytes, List<String> names, Instant createdAt, String createdBy) {
        static ImageView of(WorkspaceImage image) {
            return new ImageView(image.digest().value(), image.archiveSha256(), image.sizeBytes(), image.names(), image.createdAt(), image.createdBy());
        }
    }

    record ImageList(List<ImageView> images) {
    }

    private void upload(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.IMAGES_WRITE);
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
        if (ARCHIVE_TYPES.stream().noneMatch(type -> contentType.equals(type) || contentType.startsWith(type + ";"))) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        }
        byte[] declared = ContentDigest.sha256(request.headers().first(CONTENT_DIGEST).orElse(null))
                .orElseThrow(() -> new ApiException(ErrorCode.DIGEST_REQUIRED));
        long max = settings.maxArchiveBytes();
        if (request.headers().contentLength().orElse(-1L) > max) {
            throw new ApiException(ErrorCode.IMAGE_TOO_LARGE, Long.toString(max));
        }
        // Refuse before reading an archive the workspace has no room for (the store checks again, under its lock).
        if (images.list(workspace).size() >= settings.maxPerWorkspace()) {
            throw new ApiException(ErrorCode.IMAGE_LIMIT, Integer.toString(settings.maxPerWorkspace()));
        }
        try (ArchiveUpload archive = receive(request, declared, max)) {
            LoadedImage loaded = load(archive.file());
            WorkspaceImage image = new WorkspaceImage(loaded.id(), archive.sha256(), archive.sizeBytes(), loaded.names(),
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                    principal.actor());
            AuditEvent.Context context = principal.auditContext(RequestInfo.of(request));
            ImageStore.Add outcome = images.add(workspace, image, settings.maxPerWorkspace(), added -> AuditEvent.success(context,
                    Optional.of(workspace.value()), "image.upload", "image:" + added.digest(),
                    Map.of("archiveSha256", added.archiveSha256(), "sizeBytes", Long.toString(added.sizeBytes()))));
            switch (outcome) {
                case ImageStore.Add.Added added -> created(response, workspace, added.image());
                case ImageStore.Add.AlreadyHeld held -> json.send(response, Status.OK_200, ImageView.of(held.image()));
                case ImageStore.Add.WorkspaceFull full -> {
                    removeIfUnheld(loaded.id());
                    throw new ApiException(ErrorCode.IMAGE_LIMIT, Integer.toString(full.limit()));
                }
                case ImageStore.Add.NoWorkspace none -> {
                    removeIfUnheld(loaded.id());
                    throw new ApiException(ErrorCode.NOT_FOUND);
                }
            }
        }
    }

    private void created(ServerResponse response, WorkspaceId workspace, WorkspaceImage image) {
        response.header(HeaderNames.LOCATION, "/v1/workspaces/" + workspace + "/images/" + image.digest());
        json.send(response, Status.CREATED_201, ImageView.of(image));
    }

    private ArchiveUpload receive(ServerRequest request, byte[] declared, long max) {
        try (InputStream body = request.content().inputStream()) {
            return ArchiveUpload.receive(body, uploads, max, declared);
        } catch (ArchiveUpload.RefusedException e) {
            throw switch (e.refusal()) {
                case TOO_LARGE -> new ApiException(ErrorCode.IMAGE_TOO_LARGE, Long.toString(max));
                case DIGEST_MISMATCH -> new ApiException(ErrorCode.DIGEST_MISMATCH);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LoadedImage load(Path archive) {
        try {
            return podman.loadImage(archive);
        } catch (InvalidImageArchiveException e) {
            e.loaded().forEach(this::removeIfUnheld);
            throw new ApiException(ErrorCode.INVALID_IMAGE_ARCHIVE, e.reason());
        } catch (PodmanUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "image load refused, Podman unavailable: " + e.getMessage());
            throw new ApiException(ErrorCode.PODMAN_UNAVAILABLE, e);
        }
    }

    private void list(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        json.send(response, Status.OK_200, new ImageList(images.list(workspace).stream().map(ImageView::of).toList()));
    }

    private void show(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        WorkspaceImage image = images.find(workspace, digest(request)).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        json.send(response, Status.OK_200, ImageView.of(image));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.IMAGES_WRITE);
        ImageDigest digest = digest(request);
        if (!images.holds(workspace, digest)) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        Optional<String> user = usage.usedBy(workspace, digest);
        if (user.isPresent()) {
            throw new ApiException(ErrorCode.IMAGE_IN_USE, user.get());
        }
        AuditEvent.Context context = principal.auditContext(RequestInfo.of(request));
        boolean deleted = images.delete(workspace, digest, image -> AuditEvent.success(context, Optional.of(workspace.value()), "image.delete",
                "image:" + image.digest(), Map.of("archiveSha256", image.archiveSha256())));
        if (!deleted) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        removeIfUnheld(digest);
        response.status(Status.NO_CONTENT_204).send();
    }

    /**
     * Removes the image from Podman's storage unless a workspace still holds it. Failing that is no error for the
     * caller (the record is what grants use); a container still using it keeps it until a later removal.
     */
    private void removeIfUnheld(ImageDigest digest) {
        if (images.anyHolds(digest)) {
            return;
        }
        try {
            podman.removeImage(digest);
        } catch (PodmanException | PodmanUnavailableException e) {
            LOG.log(Level.WARNING, "image {0} stays in Podman''s storage: {1}", digest, e.getMessage());
        }
    }

    private static ImageDigest digest(ServerRequest request) {
        return ImageDigest.parse(request.path().pathParameters().get("digest")).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
    }
}
