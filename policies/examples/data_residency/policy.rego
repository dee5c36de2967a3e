# METADATA
# title: Data residency
# description: >-
#   Tenants whose data must stay in a region (data.json) are routed to that region's
#   endpoint for the model they asked for, through the decision's `route`. A model without an
#   endpoint in the tenant's region is denied rather than served from elsewhere.
package palisade.examples.data_residency

import data.examples.data_residency as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The data residency policy reached no decision."}]}

decision := {"allow": true, "reasons": [], "route": route} if {
	region := config.tenant_regions[tenant]
	route := {"region": region, "model": config.regional_models[region][model]}
}

decision := {"allow": false, "reasons": [{"code": "no_regional_endpoint", "message": message}]} if {
	region := config.tenant_regions[tenant]
	not config.regional_models[region][model]
	message := sprintf("The model %s has no endpoint in %s, where this tenant's data must stay.", [model, region])
}

# Tenants without a residency requirement keep the model they asked for.
decision := {"allow": true, "reasons": []} if not config.tenant_regions[tenant]

# Inside `not`, a missing input field would make the whole rule undefined (so nothing is
# denied): read fields through rules with defaults instead.
default tenant := ""

tenant := input.principal.tenant

default model := ""

model := input.request.model
