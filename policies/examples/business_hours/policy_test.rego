package palisade.examples.business_hours_test

import data.palisade.examples.business_hours

request(tenant, roles, now) := {
	"principal": {"sub": "u-1", "iss": "https://idp.example", "tenant": tenant, "roles": roles, "auth": "oidc"},
	"request": {"api": "openai.chat", "route": "/v1/chat/completions", "model": "gpt-4o", "stream": false},
	"context": {"now": now, "gateway_id": "gw-1"},
}

allowed(tenant, now) if business_hours.decision.allow with input as request(tenant, ["analyst"], now)

test_days_from_civil_known_dates if {
	business_hours.days_from_civil(1970, 1, 1) == 0
	business_hours.days_from_civil(2000, 3, 1) == 11017
	business_hours.days_from_civil(2026, 1, 5) == 20458
	business_hours.days_from_civil(1969, 12, 31) == -1
}

test_integer_division_rounds_down if {
	business_hours.floor_div(-30, 1440) == -1
	business_hours.floor_div(1440, 1440) == 1
	business_hours.mod(-1, 7) == 6
}

test_local_time_weekday_and_offset if {
	# 2026-01-05 is a Monday.
	business_hours.local_time("2026-01-05T09:30:00Z", 0) == {"weekday": 1, "minute_of_day": 570}
	business_hours.local_time("2026-01-05T00:30:00.000Z", -60) == {"weekday": 0, "minute_of_day": 1410}
	business_hours.local_time("2026-01-10T23:30:00Z", 60) == {"weekday": 0, "minute_of_day": 30}
}

test_weekday_inside_hours if {
	allowed("acme", "2026-01-05T08:00:00.000Z") # 09:00 in UTC+1
}

test_before_opening_denied if {
	d := business_hours.decision with input as request("acme", ["analyst"], "2026-01-05T06:59:59Z")
	d.reasons == [{"code": "outside_business_hours", "message": "Models are available to acme on weekdays 8:00-18:00 only."}]
}

test_closing_time_is_closed if {
	not allowed("acme", "2026-01-05T17:00:00Z") # 18:00 local
	allowed("acme", "2026-01-05T16:59:00Z")
}

test_weekend_denied if {
	not allowed("acme", "2026-01-10T12:00:00Z") # Saturday
}

test_negative_offset_moves_the_day if {
	# 03:00 UTC on a Saturday is 22:00 Friday in UTC-5: closed; 13:00 UTC Saturday is open for globex.
	not allowed("globex", "2026-01-10T03:00:00Z")
	allowed("globex", "2026-01-10T13:00:00Z")
	not allowed("globex", "2026-01-11T13:00:00Z")
}

test_on_call_is_exempt if {
	business_hours.decision.allow with input as request("acme", ["on-call"], "2026-01-10T12:00:00Z")
}

test_tenants_without_hours_are_always_open if {
	allowed("initech", "2026-01-10T03:00:00Z")
}

test_principal_without_roles_is_not_on_call if {
	d := business_hours.decision with input as json.remove(request("acme", [], "2026-01-10T12:00:00Z"), ["principal/roles"])
	d.allow == false
}

undefined_result(_) := [] if false

test_default_denies if {
	d := business_hours.decision with sort as undefined_result
	d.reasons[0].code == "no_decision"
}
