package ca.heroa.appliance.image;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TestAppliance;
import ca.heroa.appliance.testing.TestPodman;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Image uploads through the API: digest checked, archive checked, listed per workspace, deleted only when no template uses them. */
class ImageApiTest {
    @Test
    void anUploadIsCheckedAgainstItsDigestAndLoadedOnce() throws Exception {
        ApiClient client = TestAppliance.client();
        TaskFixtures.Workspace workspace = TaskFixtures.workspace(client, "images-" + System.nanoTime());
        String path = "/v1/workspaces/" + workspace.id() + "/images";
        byte[] archive = Files.readAllBytes(TestPodman.baseImageArchive());

        ApiClient.Response noDigest = client.postBytes(path, workspace.token(), archive, "application/x-tar", Map.of());
        assertEquals(400, noDigest.status(), noDigest.body());
        assertEquals("digest_required", noDigest.json().get("code").asText());

        byte[] altered = archive.clone();
        altered[altered.length / 2] ^= 1;
        ApiClient.Response mismatch = client.postBytes(path, workspace.token(), altered, "application/x-tar", Map.of("Content-Digest", digest(archive)));
        assertEquals(400, mismatch.status(), mismatch.body());
        assertEquals("digest_mismatch", mismatch.json().get("code").asText());

        byte[] notAnImage = "this is not a tar archive".getBytes(StandardCharsets.UTF_8);
        ApiClient.Response invalid = client.postBytes(path, workspace.token(), notAnImage, "application/x-tar", Map.of("Content-Digest", digest(notAnImage)));
        assertEquals(400, invalid.status(), invalid.body());
        assertEquals("invalid_image_archive", invalid.json().get("code").asText());

        ApiClient.Response french = client.send("POST", path, java.util.Optional.of(workspace.token()), java.util.Optional.empty(),
                Map.of("Accept-Language", "fr-CA"));
        assertTrue(french.json().get("title").asText().length() > 0 && french.header("Content-Language").orElse("").equals("fr"), french.body());

        String digest = TaskFixtures.uploadImage(client, workspace.token(), workspace.id(), TestPodman.baseImageArchive());
        ApiClient.Response again = client.postBytes(path, workspace.token(), archive, "application/x-tar", Map.of("Content-Digest", digest(archive)));
        assertEquals(200, again.status(), "the same image again is the same record: " + again.body());
        JsonNode list = client.get(path, workspace.token()).json().get("images");
        List<String> digests = new java.util.ArrayList<>();
        list.forEach(image -> digests.add(image.get("digest").asText()));
        assertTrue(digests.contains(digest) && digests.contains(workspace.image()), list.toString());
        assertEquals(200, client.get(path + "/" + digest, workspace.token()).status());
        assertTrue(TestPodman.client().inspectImage(new ImageDigest(digest)).isPresent(), "loaded into Podman's storage");
    }

    @Test
    void anotherWorkspaceCannotSeeAnImageAndAnImageInUseStays() {
        ApiClient client = TestAppliance.client();
        TaskFixtures.Workspace a = TaskFixtures.workspace(client, "images-a-" + System.nanoTime());
        TaskFixtures.Workspace b = TaskFixtures.workspace(client, "images-b-" + System.nanoTime());
        String imagePath = "/v1/workspaces/" + a.id() + "/images/" + a.image();
        assertEquals(404, client.get(imagePath, b.token()).status());
        assertEquals(404, client.get("/v1/workspaces/" + b.id() + "/images/sha256:" + "0".repeat(64), b.token()).status());
        TaskFixtures.defineTemplate(client, a, TaskFixtures.manifest("uses-image", a.image(), List.of("/bin/true"), List.of()));
        ApiClient.Response inUse = client.delete(imagePath, a.token());
        assertEquals(409, inUse.status(), inUse.body());
        assertEquals("image_in_use", inUse.json().get("code").asText());
        assertTrue(inUse.json().get("detail").asText().contains("uses-image"), inUse.body());
        String unused = TaskFixtures.uploadImage(client, b.token(), b.id(), TestPodman.baseImageArchive());
        assertEquals(204, client.delete("/v1/workspaces/" + b.id() + "/images/" + unused, b.token()).status());
        assertEquals(404, client.get("/v1/workspaces/" + b.id() + "/images/" + unused, b.token()).status());
    }

    private static String digest(byte[] body) throws Exception {
        return "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body)) + ":";
    }
}
