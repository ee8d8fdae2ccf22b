package org.imageportal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Errors on forms read as sentences: never a field's code in front of the message. */
class FieldErrorsTest {

    @Test
    void aMessageOfThePortalIsShownAsItIsWithoutTheFieldsCode() {
        assertThat(FieldErrors.text(new FrontDeskPages.FieldError("npi", "The NPI has 10 digits")))
                .isEqualTo("The NPI has 10 digits");
        assertThat(FieldErrors.text(new FrontDeskPages.FieldError("", "this accounting was already delivered")))
                .isEqualTo("this accounting was already delivered");
    }

    @Test
    void aBareMessageOfTheValidatorIsIntroducedByTheFieldInWords() {
        assertThat(FieldErrors.text(new FrontDeskPages.FieldError("documentType", "size must be between 0 and 100")))
                .isEqualTo("Document type is too long: at most 100 characters");
        assertThat(FieldErrors.text(new FrontDeskPages.FieldError("email", "must be a well-formed email address")))
                .isEqualTo("E-mail address must be a well-formed email address");
        assertThat(FieldErrors.text(new FrontDeskPages.FieldError("seriesUids[3].<list element>",
                "must not be blank"))).isEqualTo("Series must not be blank");
    }

    @Test
    void theMessageForOneFieldIsFoundForItsPlaceOnTheForm() {
        List<FrontDeskPages.FieldError> errors = List.of(new FrontDeskPages.FieldError("email", "must not be blank"),
                new FrontDeskPages.FieldError("npi", "The NPI has 10 digits"));
        assertThat(FieldErrors.errorFor(errors, "npi")).isEqualTo("The NPI has 10 digits");
        assertThat(FieldErrors.errorFor(errors, "organisation")).isNull();
    }
}
