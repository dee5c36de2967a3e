# Unit tests for the shared classification helpers.
package palisade.lib_test

import data.palisade.lib

test_entities_found_ignores_zero_counts_and_other_types if {
	classification := {"entities": {
		"US_SSN": {"count": 0, "max_score": 0},
		"CREDIT_CARD": {"count": 1, "max_score": 1},
		"EMAIL_ADDRESS": {"count": 4, "max_score": 1},
	}}
	lib.entities_found(classification, lib.restricted_pii_entities) == {"CREDIT_CARD"}
}

test_entities_found_without_entities_is_empty if {
	lib.entities_found({}, lib.restricted_pii_entities) == set()
}

test_has_role_is_exact if {
	lib.has_role({"roles": ["pii-reader"]}, "pii-reader")
	not lib.has_role({"roles": ["pii-reader-lite"]}, "pii-reader")
	not lib.has_role({"roles": "pii-reader"}, "pii-reader")
	not lib.has_role({}, "pii-reader")
}
