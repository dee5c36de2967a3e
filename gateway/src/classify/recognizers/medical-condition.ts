// MEDICAL_CONDITION: names of diseases, disorders and treatments that reveal one, as health
// information for the PHI rule. Terms that also have everyday meanings ("stroke", "depression",
// "cold") score low unless a health word such as "patient" or "diagnosed" comes shortly before.

import { boostForContext } from '../context-words.js';
import { wordListScan } from '../word-list-scan.js';
import type { TextProfile } from '../text-profile.js';
import type { Recognizer } from './recognizer.js';

const SCORE = 0.6;
const SCORE_AMBIGUOUS = 0.3;
const CONTEXT_REACH = 64;

/** Unambiguous in ordinary text. Written in lower case; plural "s" and "es" are accepted. */
export const CONDITIONS = [
  // Chronic and metabolic
  'diabetes', 'diabetic', 'type 1 diabetes', 'type 2 diabetes', 'prediabetes', 'hypertension', 'hypotension',
  'hyperlipidemia', 'hypercholesterolemia', 'hypothyroidism', 'hyperthyroidism', 'obesity', 'gout', 'osteoporosis',
  'osteoarthritis', 'rheumatoid arthritis', 'arthritis', 'lupus', 'psoriasis', 'eczema', 'celiac disease',
  "crohn's disease", 'crohn disease', 'ulcerative colitis', 'irritable bowel syndrome', 'cirrhosis', 'hepatitis',
  'hepatitis b', 'hepatitis c', 'fatty liver disease', 'kidney disease', 'chronic kidney disease', 'renal failure',
  'kidney failure', 'dialysis', 'anemia', 'sickle cell', 'hemophilia', 'thalassemia', 'cystic fibrosis',
  // Heart and lungs
  'heart failure', 'heart disease', 'coronary artery disease', 'myocardial infarction', 'heart attack',
  'atrial fibrillation', 'arrhythmia', 'angina', 'cardiomyopathy', 'endocarditis', 'deep vein thrombosis',
  'pulmonary embolism', 'asthma', 'copd', 'emphysema', 'bronchitis', 'pneumonia', 'tuberculosis', 'sleep apnea',
  // Cancer
  'cancer', 'carcinoma', 'melanoma', 'lymphoma', 'leukemia', 'leukaemia', 'myeloma', 'sarcoma', 'glioblastoma',
  'tumor', 'tumour', 'metastasis', 'metastatic', 'chemotherapy', 'radiotherapy', 'oncology', 'mastectomy',
  'breast cancer', 'prostate cancer', 'lung cancer', 'colorectal cancer',
  // Infectious
  'hiv', 'hiv positive', 'covid-19', 'covid', 'influenza', 'measles', 'mumps', 'chlamydia', 'gonorrhea',
  'syphilis', 'herpes', 'hpv', 'malaria', 'sepsis', 'mrsa', 'lyme disease', 'shingles', 'sexually transmitted',
  // Neurological
  'epilepsy', 'migraine', 'multiple sclerosis', "parkinson's", "parkinson's disease",
  "alzheimer's", "alzheimer's disease", 'dementia', 'cerebral palsy', 'huntington', 'neuropathy',
  'traumatic brain injury', 'concussion',
  // Mental health
  'major depressive disorder', 'clinical depression', 'bipolar disorder', 'schizophrenia',
  'schizoaffective', 'ptsd', 'post-traumatic stress', 'ocd', 'obsessive-compulsive', 'adhd', 'autism',
  'anxiety disorder', 'generalized anxiety disorder', 'panic disorder', 'eating disorder', 'anorexia',
  'bulimia', 'substance use disorder', 'alcoholism', 'alcohol use disorder', 'opioid use disorder', 'suicidal', 'suicidal ideation', 'self-harm', 'psychosis', 'borderline personality disorder',
  // Reproductive and other
  'pregnant', 'pregnancy', 'miscarriage', 'abortion', 'infertility', 'ivf', 'endometriosis', 'pcos',
  'erectile dysfunction', 'menopause', 'glaucoma', 'cataract', 'macular degeneration', 'hearing loss',
  'scoliosis', 'fibromyalgia', 'chronic fatigue syndrome', 'amputation', 'paralysis',
  'transplant', 'organ transplant', 'anaphylaxis', 'insulin', 'metformin', 'chemo',
];

/** Words with everyday meanings too; they count as health information near a health word. */
const AMBIGUOUS = [
  'depression', 'anxiety', 'stroke', 'cold', 'flu', 'fever', 'infection', 'injury', 'fracture', 'ulcer',
  'stress', 'overdose', 'virus', 'surgery', 'therapy', 'rehab', 'insomnia', 'aids', 'als', 'bipolar',
  'seizure', 'addiction', 'allergy', 'disability',
];

function alternation(words: readonly string[]): string {
  return [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+').replace(/'/g, "['’]?"))
    .join('|');
}

const TERMS = new RegExp(`\\b(?:(${alternation(CONDITIONS)})|(${alternation(AMBIGUOUS)}))(?:e?s)?\\b`, 'g');
/** Each term up to its first space or apostrophe: the part every spelling of it begins with. */
const TERMS_SCAN = wordListScan(TERMS, [...CONDITIONS, ...AMBIGUOUS].map((t) => t.split(/[ ']/, 1)[0] ?? t));

function hasHealthWordBefore(profile: TextProfile, start: number): boolean {
  return profile.cueBefore('health', start, CONTEXT_REACH);
}

export const medicalConditionRecognizer: Recognizer = {
  types: ['MEDICAL_CONDITION'],
  applies: () => true,
  scan(_text, out, profile) {
    TERMS_SCAN.forEach(profile.lower, (m) => {
      const end = m.index + m[0].length;
      if (m[1] !== undefined) {
        out.push({ type: 'MEDICAL_CONDITION', start: m.index, end, score: hasHealthWordBefore(profile, m.index) ? boostForContext(SCORE) : SCORE });
      } else {
        out.push({ type: 'MEDICAL_CONDITION', start: m.index, end, score: hasHealthWordBefore(profile, m.index) ? boostForContext(SCORE_AMBIGUOUS) : SCORE_AMBIGUOUS });
      }
    });
  },
};
