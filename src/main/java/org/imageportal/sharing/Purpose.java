package org.imageportal.sharing;

/** Why a study is shared (recorded with every disclosure made under the share). */
public enum Purpose {
    TREATMENT, SECOND_OPINION, OTHER
}
