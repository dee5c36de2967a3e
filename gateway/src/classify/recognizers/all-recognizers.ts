// Every built-in recognizer, in the order that breaks ties between equal spans with equal scores
// (earlier wins): credentials, then checksum-backed types, then pattern and context types, then
// the best-effort name and place lists.

import { ageRecognizer } from './age.js';
import { apiKeyRecognizer } from './api-keys.js';
import { creditCardRecognizer } from './credit-card.js';
import { cryptoAddressRecognizer } from './crypto-address.js';
import { dateTimeRecognizer } from './date-time.js';
import { emailAddressRecognizer } from './email-address.js';
import { financialIdRecognizer } from './financial-ids.js';
import { healthIdRecognizer } from './health-ids.js';
import { ibanRecognizer } from './iban-code.js';
import { icd10Recognizer } from './icd10-code.js';
import { identityDocumentRecognizer } from './identity-documents.js';
import { imeiRecognizer } from './imei.js';
import { ipAddressRecognizer } from './ip-address.js';
import { jsonWebTokenRecognizer } from './json-web-token.js';
import { locationRecognizer } from './location.js';
import { macAddressRecognizer } from './mac-address.js';
import { medicalConditionRecognizer } from './medical-condition.js';
import { medicalLicenseRecognizer } from './medical-license.js';
import { passwordRecognizer } from './password.js';
import { personNameRecognizer } from './person-name.js';
import { phoneNumberRecognizer } from './phone-number.js';
import { privateKeyRecognizer } from './private-key.js';
import type { Recognizer } from './recognizer.js';
import { streetAddressRecognizer } from './street-address.js';
import { urlRecognizer } from './url.js';
import { usItinRecognizer } from './us-itin.js';
import { usMbiRecognizer } from './us-mbi.js';
import { usSsnRecognizer } from './us-ssn.js';
import { vinRecognizer } from './vehicle-id.js';
import { zipCodeRecognizer } from './zip-code.js';

export const ALL_RECOGNIZERS: readonly Recognizer[] = [
  privateKeyRecognizer,
  jsonWebTokenRecognizer,
  apiKeyRecognizer,
  passwordRecognizer,
  emailAddressRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  cryptoAddressRecognizer,
  healthIdRecognizer,
  financialIdRecognizer,
  identityDocumentRecognizer,
  imeiRecognizer,
  medicalLicenseRecognizer,
  vinRecognizer,
  usSsnRecognizer,
  usItinRecognizer,
  usMbiRecognizer,
  phoneNumberRecognizer,
  ipAddressRecognizer,
  macAddressRecognizer,
  urlRecognizer,
  icd10Recognizer,
  medicalConditionRecognizer,
  dateTimeRecognizer,
  ageRecognizer,
  zipCodeRecognizer,
  streetAddressRecognizer,
  personNameRecognizer,
  locationRecognizer,
];
