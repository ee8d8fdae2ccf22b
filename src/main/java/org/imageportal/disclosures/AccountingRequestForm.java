package org.imageportal.disclosures;

import java.time.LocalDate;

/** A patient's request for an accounting: a period within the last six years; the whole six years if left out. */
public record AccountingRequestForm(LocalDate from, LocalDate to) {
}
