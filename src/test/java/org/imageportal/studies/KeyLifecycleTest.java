package org.imageportal.studies;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.retention.StudyDeletionService;
import org.imageportal.storage.MasterKeyring;
import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.ObjectStore;
import org.imageportal.storage.StudyVault;
import org.imageportal.storage.crypto.CryptoException;
import org.imageportal.storage.crypto.WrappedStudyKey;
import org.imageportal.studies.ingest.ObjectCleanupService;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;

/** Keys over a study's life: master-key rotation without touching images, crypto-shredding, orphan sweeping. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyLifecycleTest {

    @Inject
    DataSource db;

    @Inject
    MasterKeyRotationService rotation;

    @Inject
    StudyDeletionService deletion;

    @Inject
    ObjectCleanupService cleanup;

    @Inject
    MasterKeyring keyring;

    @Inject
    StudyVault vault;

    @Inject
    ObjectStore store;

    String ingest;
    String frontdesk;

    @BeforeAll
    void setUp() {
        ingest = TestRealm.ingestToken();
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
    }

    record KeyRow(UUID id, WrappedStudyKey key) {
    }

    private KeyRow keyOf(String studyUid) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT id, wrapped_key, master_key_id FROM portal.study WHERE study_uid = ?")) {
            s.setString(1, studyUid);
            try (ResultSet r = s.executeQuery()) {
                return r.next()
                        ? new KeyRow(r.getObject(1, UUID.class), new WrappedStudyKey(r.getBytes(2), r.getLong(3)))
                        : null;
            }
        }
    }

    private List<KeyRow> allKeys() throws Exception {
        List<KeyRow> keys = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, wrapped_key, master_key_id FROM portal.study");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                keys.add(new KeyRow(r.getObject(1, UUID.class), new WrappedStudyKey(r.getBytes(2), r.getLong(3))));
            }
        }
        return keys;
    }

    private static Actor actor(Role role) {
        return new Actor(UUID.randomUUID().toString(), "t", "T", Set.of(role), true, false);
    }

    @Test
    void rotationRewrapsEveryStudyKeyLeavesImagesUntouchedAndRetiresTheOldKey() throws Exception {
        TestDicom one = TestDicom.ct(TestDicom.Patient.random()).number(1).seed(41);
        TestDicom two = TestDicom.ct(TestDicom.Patient.random()).number(1).seed(42);
        Dicomweb.stow(ingest, List.of(one.bytes(), two.bytes())).then().statusCode(200);
        KeyRow before = keyOf(one.studyUid());
        Map<Path, byte[]> objects = new HashMap<>();
        for (TestDicom t : List.of(one, two)) {
            Path object = Dicomweb.bucketDir().resolve(Dicomweb.objectKey(db, t.sopInstanceUid()));
            objects.put(object, Files.readAllBytes(object));
        }
        long oldPrimary = keyring.currentKeyId();

        MasterKeyRotationService.Result result = rotation.rotate(true, true);

        assertThat(result.primaryKeyId()).isNotEqualTo(oldPrimary).isEqualTo(keyring.currentKeyId());
        assertThat(result.rewrapped()).isGreaterThanOrEqualTo(2);
        assertThat(result.stillOnRetiredKeys()).isZero();
        assertThat(result.retiredKeysDropped()).isTrue();
        assertThat(keyring.size()).isEqualTo(1);
        assertThat(allKeys()).allSatisfy(k -> assertThat(k.key().masterKeyId()).isEqualTo(result.primaryKeyId()));
        KeyRow after = keyOf(one.studyUid());
        assertThat(after.key().ciphertext()).isNotEqualTo(before.key().ciphertext());
        // the images were not re-encrypted: every stored byte is as before
        for (var entry : objects.entrySet()) {
            assertThat(Files.readAllBytes(entry.getKey())).isEqualTo(entry.getValue());
        }
        // and they still come out byte for byte
        for (TestDicom t : List.of(one, two)) {
            assertThat(Dicomweb.parts(given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + t.studyUid())))
                    .singleElement().isEqualTo(t.bytes());
        }
        // the old wrap is useless now that its master key is gone (as in an old database backup)
        assertThatThrownBy(() -> vault.rewrap(before.key(), before.id().toString()))
                .isInstanceOf(RuntimeException.class);
        // the key file on disk holds only the new key (a restart reads the same keyring)
        String keyset = Files.readString(Path.of(System.getenv("PORTAL_STATE_DIR"), "keys",
                "test-master-keyset.json"));
        assertThat(keyset).contains("\"primaryKeyId\":" + result.primaryKeyId())
                .doesNotContain(String.valueOf(oldPrimary));
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE action = ? "
                + "AND detail->>'primaryKeyId' = '" + result.primaryKeyId() + "'", "masterkey.rotate"))
                .isEqualTo("1");
    }

    @Test
    void deletingAStudyShredsItsKeySoEvenARestoredObjectCannotBeRead() throws Exception {
        TestDicom doomed = TestDicom.ct(TestDicom.Patient.random()).seed(43);
        Dicomweb.stow(ingest, List.of(doomed.bytes())).then().statusCode(200);
        KeyRow key = keyOf(doomed.studyUid());
        ObjectKey objectKey = new ObjectKey(Dicomweb.objectKey(db, doomed.sopInstanceUid()));
        Path object = Dicomweb.bucketDir().resolve(objectKey.value());
        byte[] backup = Files.readAllBytes(object);
        // before the deletion, this copy is readable with the study's key
        assertThat(readAll(vault.open(key.key(), key.id().toString(), objectKey))).isEqualTo(doomed.bytes());

        assertThatThrownBy(() -> deletion.delete(actor(Role.FRONTDESK), doomed.studyUid(),
                StudyDeletionService.Reason.SENT_IN_ERROR)).satisfies(e -> status(e, 403));
        assertThatThrownBy(() -> deletion.delete(actor(Role.PATIENT), doomed.studyUid(),
                StudyDeletionService.Reason.SENT_IN_ERROR)).satisfies(e -> status(e, 403));
        StudyDeletionService.Deleted deleted = deletion.delete(actor(Role.PRIVACY_OFFICER), doomed.studyUid(),
                StudyDeletionService.Reason.SENT_IN_ERROR);

        assertThat(deleted.instances()).isEqualTo(1);
        assertThat(keyOf(doomed.studyUid())).isNull();
        assertThat(Dicomweb.objectKey(db, doomed.sopInstanceUid())).isNull();
        assertThat(Files.exists(object)).isFalse();
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE action = ? "
                + "AND entity = 'study:" + key.id() + "' AND detail->>'reason' = 'SENT_IN_ERROR'", "study.delete"))
                .isEqualTo("1");
        given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + doomed.studyUid()).then().statusCode(404);

        // someone restores the object from a bucket backup: no data key in the portal can decrypt it
        store.put(objectKey, new ByteArrayInputStream(backup));
        try {
            for (KeyRow other : allKeys()) {
                // another study's key cannot even be unwrapped under the deleted study's name...
                assertThatThrownBy(() -> readAll(vault.open(other.key(), key.id().toString(), objectKey)))
                        .isInstanceOf(CryptoException.class);
                // ...and under its own name it does not decrypt the object
                assertThatThrownBy(() -> readAll(vault.open(other.key(), other.id().toString(), objectKey)))
                        .isInstanceOf(IOException.class);
            }
        } finally {
            store.delete(objectKey);
        }
        assertThatThrownBy(() -> deletion.delete(actor(Role.PRIVACY_OFFICER), doomed.studyUid(),
                StudyDeletionService.Reason.SENT_IN_ERROR)).satisfies(e -> status(e, 404));
    }

    @Test
    void theSweeperRemovesOldOrphansAndLeavesUploadsInProgress() throws Exception {
        ObjectKey orphan = ObjectKey.random("i");
        ObjectKey inProgress = ObjectKey.random("i");
        store.put(orphan, new ByteArrayInputStream(new byte[]{1, 2, 3}));
        store.put(inProgress, new ByteArrayInputStream(new byte[]{4, 5, 6}));
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO portal.pending_object (object_key, created_at) "
                        + "VALUES (?, now() - interval '7 hours'), (?, now())")) {
            s.setString(1, orphan.value());
            s.setString(2, inProgress.value());
            s.executeUpdate();
        }

        assertThat(cleanup.sweep()).isGreaterThanOrEqualTo(1);

        assertThat(store.exists(orphan)).isFalse();
        assertThat(store.exists(inProgress)).isTrue();
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.pending_object WHERE object_key = ?",
                orphan.value())).isEqualTo("0");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.pending_object WHERE object_key = ?",
                inProgress.value())).isEqualTo("1");
        store.delete(inProgress);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM portal.pending_object WHERE object_key = ?")) {
            s.setString(1, inProgress.value());
            s.executeUpdate();
        }
    }

    private static void status(Throwable e, int status) {
        assertThat(e).isInstanceOf(ProblemException.class);
        assertThat(((ProblemException) e).problem().status()).isEqualTo(status);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

}
