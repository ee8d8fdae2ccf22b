package org.imageportal.support;

import java.util.List;

import javax.sql.DataSource;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;

/**
 * A patient with one stored CT study and a portal account signed in with MFA: what the sharing tests start from.
 *
 * @param studyId the study's row id (what the sharing API takes)
 */
public record PatientWithStudy(TestDicom.Patient patient, TestDicom study, TestRealm.User owner, String ownerToken,
        String studyId) {

    public static PatientWithStudy create(DataSource db, long seed) throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).seed(seed);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User owner = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), owner.id());
        return new PatientWithStudy(patient, study, owner, TestRealm.mfaToken(owner),
                Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", study.studyUid()));
    }
}
