# -*- coding: utf-8 -*-
# Copyright (c) camops.hikvision contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  provider:
    description:
      - The cloud account API that removes the device from the owner's account.
      - C(hik_partner_pro) is the Hik-Partner Pro OpenAPI, for installer accounts (the way installers manage
        Hik-Connect devices at scale). It acts on devices of the installer's own sites.
      - C(ezviz_open) is the EZVIZ Open Platform (open.ezvizlife.com, open.ys7.com). It acts only on devices
        of the developer's own EZVIZ account, or trusted (delegated) to it; it cannot touch a device in
        somebody else's consumer account.
      - C(hik_connect_teams) is the Hik-Connect for Teams (HikCentral Connect) OpenAPI, the business cloud many
        installers use instead of consumer Hik-Connect. It acts on devices of the team's own account, looked up
        by the 9-character serial and deleted by their platform id. The account allows 5 requests a second;
        each task spaces its own calls by 0.22 s, but many devices at once (forks) can still exceed it. What Teams
        answers then is not documented; an HTTP 429 is retried with back-off, any other answer fails the step.
        For a large run, use fewer forks or C(throttle) on the cloud step.
      - There is no documented API to delete a device from a consumer Hik-Connect or EZVIZ app account. For
        those, the owner deletes it in the app, the installer uses Hik-Partner Pro, or the device's own
        platform access is switched off with a new verification code (this module without O(provider)).
      - Without O(provider), only the device side runs.
    type: str
    choices: [ezviz_open, hik_connect_teams, hik_partner_pro]
  app_key:
    description:
      - The provider's application key (Hik-Partner Pro API Key or ARC ID; EZVIZ Open AppKey; Teams AppKey).
      - If not set, the value of the E(HIK_CLOUD_APP_KEY) environment variable is used.
      - Required with O(provider).
    type: str
  app_secret:
    description:
      - The provider's application secret (Hik-Partner Pro API Secret or ARC Key; EZVIZ Open AppSecret; Teams
        SecretKey).
      - If not set, the value of the E(HIK_CLOUD_APP_SECRET) environment variable is used.
      - Required with O(provider).
    type: str
  region:
    description:
      - The provider's region, which picks the host the access token is requested from. Later calls go to the
        regional host (C(areaDomain)) the token answer names.
      - C(hik_partner_pro) - C(global) (api.hik-partner.com, the default) or C(ru) (api.hik-partnerru.com).
      - C(ezviz_open) - C(global) (open.ezvizlife.com, the default), C(eu), C(us), C(sa), C(sg), C(in), C(ru),
        or C(cn) (open.ys7.com). Only C(cn) offers the ownership probe that tells "added by another account"
        from "not added"; elsewhere such a device is reported with owner C(unknown).
      - C(hik_connect_teams) - C(eu) (ieu.hikcentralconnect.com), C(us), C(sa), C(sgp) (also India) or C(ru)
        (hikcentralconnectru.com); there is no default, the team's region must be given.
    type: str
  api_url:
    description:
      - The base URL of the token endpoint, instead of the region's host (a private endpoint or a
        simulator). With it, the C(areaDomain) the token answer names is followed whatever its host.
      - If not set, the value of the E(HIK_CLOUD_API_URL) environment variable is used.
    type: str
  api_retries:
    description:
      - How often a call is retried after a rate-limit answer, an HTTP 5xx or a timeout, waiting 1, 2, 4, 8,
        8, ... seconds in between. An expired access token is renewed once per run, whatever this says.
    type: int
    default: 4
notes:
  - Cloud calls always validate TLS certificates against the system's CA bundle (E(REQUESTS_CA_BUNDLE) is
    honoured); O(validate_certs) and O(ca_path) apply to the device only.
  - O(timeout) applies to each cloud call as well.
  - One access token is requested per task run and renewed once on the provider's expired-token answer.
'''
