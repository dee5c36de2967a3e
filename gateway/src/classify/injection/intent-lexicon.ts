// Cue words for the core intents of an injection, in English and sixteen other languages (German,
// Spanish, French, Portuguese, Italian, Dutch, Polish, Turkish, Indonesian, Russian, Arabic,
// Persian, Chinese, Japanese, Korean, Hindi). Each concept is a small meaning ("a verb that drops
// instructions", "a word for instructions", "a possessive that addresses the model"); intent-cues.ts
// fires an intent when the concepts it needs stand close together, whatever language each word is
// in. Concepts rather than phrases, because attackers rephrase: a list of whole sentences only
// recognises the sentences on it.
//
// Writing conventions: words are written as people type them; intent-cues.ts folds them the way
// it folds the prompt (lower case, Latin and Arabic diacritics removed, Persian/Arabic letter
// variants joined). In scripts that separate words with spaces an entry matches at the start of a
// word and may be a stem ("instrucci" for instrucción/instrucciones); an entry ending in "$" must
// also end a word ("no$"). Chinese, Japanese and Korean entries match anywhere.

export const Concept = {
  /** Verbs that drop instructions: ignore, forget, disregard, bypass. */
  Ignore: 1 << 0,
  /** Words for the instructions a model follows: instructions, rules, guidelines, prompt. */
  Instructions: 1 << 1,
  /** What a system prompt is called when someone asks for it: instructions, prompt, configuration. */
  PromptNoun: 1 << 2,
  /** Qualifiers of the hidden text: initial, original, hidden, secret, previous, above, verbatim. */
  Hidden: 1 << 3,
  /** "System", as in system prompt or system message. */
  System: 1 << 4,
  /** A possessive or phrase aimed at the model: your, the ones you were given. */
  Your: 1 << 5,
  /** Verbs that hand text over: show, print, repeat, reveal, tell, write out, copy. */
  Reveal: 1 << 6,
  /** Openers of a new identity: you are now, from now on, pretend, play the role of. */
  Persona: 1 << 7,
  /** Words that mean free of limits by themselves: unrestricted, uncensored. */
  Unrestricted: 1 << 8,
  /** Without, no, free of: with Limits close by, the same as Unrestricted. */
  Without: 1 << 9,
  /** Limits a model keeps: restrictions, filters, censorship, ethics, rules. */
  Limits: 1 << 10,
  /** Names for a model: AI, assistant, chatbot. */
  Model: 1 << 11,
  /** A fake message from the operator: "system message", "system notice". */
  SystemMessage: 1 << 12,
  /** End of, as in "end of document": with Data close by, a claimed boundary. */
  End: 1 << 13,
  /** What a boundary closes: input, document, data, text. */
  Data: 1 << 14,
  /** Safety switched off: disabled, lifted, deactivated. */
  Disabled: 1 << 15,
  /** New, as in "new instructions". */
  New: 1 << 16,
  /** Everything, all: "forget everything". */
  All: 1 << 17,
  /** Negation next to a verb ("do not ignore"), or a past-tense auxiliary that makes it a report. */
  Negation: 1 << 18,
  /** Talk about attacks rather than an attack: protect against, prevent, detect, red team. */
  Defence: 1 << 19,
  /** A model's set-up ("configuration", "setup"): its prompt only when the model's own. */
  Config: 1 << 20,
  /** Verbs of keeping instructions (follow, obey): negated, they drop them. */
  Follow: 1 << 21,
  /** A task or job: with New close by, a replacement of the user's task ("your real task is"). */
  Task: 1 << 22,
  /** Words that single out whoever reads a text ("reading this"): with Model close by, a note that
   * a document or tool result leaves for the model that will read it. */
  Reader: 1 << 23,
} as const;

type Lexicon = Readonly<Record<string, readonly string[]>>;

const IGNORE: Lexicon = {
  // Imperatives and gerunds only: "I forgot the instructions" and "the rule was ignored" report, they do not order.
  en: ['ignore$', 'ignores$', 'ignoring$', 'disregard$', 'disregarding$', 'forget$', 'forgetting$', 'bypass$', 'bypassing$', 'override$', 'overriding$', 'neglect$', 'set aside', 'pay no attention', 'stop following', 'discard$', 'abandon$'],
  de: ['ignoriere', 'ignorieren sie', 'ignorier$', 'vergiss', 'vergessen sie', 'missachte', 'übergehe', 'umgehe', 'setz dich über', 'setze dich über', 'verwirf', 'überschreibe'],
  es: ['ignora$', 'ignoren$', 'ignorá$', 'olvida$', 'olviden$', 'olvídate', 'olvidá$', 'omite$', 'pasa por alto', 'haz caso omiso', 'no hagas caso', 'descarta$', 'desestima$', 'sáltate'],
  fr: ['ignore$', 'ignorez', 'oublie$', 'oubliez', 'ne tiens pas compte', 'ne tenez pas compte', 'fais abstraction', 'faites abstraction', 'contourne$', 'contournez', 'outrepasse$', 'mets de côté'],
  pt: ['ignore$', 'ignora$', 'ignorem$', 'esqueça', 'esqueçam', 'esquece$', 'desconsidere', 'desconsidera$', 'deixe de lado', 'despreze', 'descarte$', 'contorne$'],
  it: ['ignora$', 'ignorate', 'ignori$', 'dimentica$', 'dimenticate', 'dimentichi$', 'trascura$', 'non tenere conto', 'scavalca$', 'aggira$', 'tralascia$', 'metti da parte'],
  nl: ['negeer', 'vergeet', 'houd geen rekening', 'omzeil', 'zet opzij'],
  pl: ['zignoruj', 'ignoruj', 'zapomnij', 'pomiń', 'nie zwracaj uwagi', 'lekceważ', 'obejdź'],
  tr: ['yok say', 'yoksay', 'görmezden gel', 'unut$', 'unutun$', 'dikkate alma', 'göz ardı et', 'es geç', 'boş ver', 'atla$'],
  id: ['abaikan', 'lupakan', 'jangan hiraukan', 'jangan pedulikan', 'kesampingkan', 'lewati'],
  ru: ['игнорируй', 'проигнорируй', 'забудь', 'не обращай внимания', 'не обращайте внимания', 'пренебреги', 'отбрось', 'обойди', 'не учитывай', 'отмени'],
  ar: ['تجاهل', 'انس$', 'إنس$', 'انسى', 'أهمل', 'تخط', 'تناس', 'لا تلتزم', 'ألغ$', 'الغ$', 'ألغي$'],
  fa: ['نادیده بگیر', 'نادیده بگیرید', 'فراموش کن', 'فراموش کنید', 'بی‌توجه باش', 'کنار بگذار', 'اعتنا نکن'],
  zh: ['忽略', '忽视', '忽視', '无视', '無視', '忘记之前', '忘記之前', '忘掉', '不要理会', '不要理會', '不理会', '绕过', '繞過', '跳过', '跳過', '抛开', '拋開', '丢弃', '丟棄', '不要遵守', '不用遵守'],
  ja: ['無視', '忘れて', '忘れろ', '忘れなさい', '従わないで', '破棄して'],
  ko: ['무시', '잊어 줘', '잊어줘', '잊어라', '잊고', '따르지 마', '우회'],
  hi: ['अनदेखा', 'नज़रअंदाज़', 'नजरअंदाज', 'भूल जाओ', 'भूल जाइए', 'ध्यान मत दो', 'ध्यान न दें', 'उपेक्षा करो', 'इग्नोर'],
};

const FOLLOW: Lexicon = {
  en: ['follow$', 'obey$', 'comply with', 'adhere to', 'stick to', 'listen to'],
  de: ['befolge', 'folge$', 'halte dich an', 'gehorche'],
  es: ['sigas', 'sigan', 'obedezcas', 'cumplas', 'respetes'],
  fr: ['suis$', 'suivez', 'obéis', 'obéissez', 'respecte$', 'respectez'],
  pt: ['siga$', 'sigas', 'obedeça', 'cumpra', 'respeite'],
  it: ['seguire', 'segui$', 'obbedire', 'rispettare'],
  nl: ['volg$', 'gehoorzaam', 'houd je aan'],
  pl: ['przestrzegaj', 'stosuj się', 'słuchaj'],
  tr: ['uyma$', 'uymayın', 'uy$'],
  id: ['ikuti', 'patuhi', 'turuti'],
  ru: ['следуй', 'соблюдай', 'подчиняйся', 'выполняй', 'слушайся'],
  ar: ['تتبع', 'تلتزم', 'تطع', 'تتقيد'],
  fa: ['پیروی', 'اطاعت'],
  zh: ['遵守', '遵循', '服从', '服從', '听从', '聽從'],
  ja: ['従う', '守る', '従って'],
  ko: ['따르', '지키'],
  hi: ['पालन', 'मानो'],
};

/** Words for instructions that are also what a system prompt is called. */
const INSTRUCTION_NOUNS: Lexicon = {
  en: ['instruction', 'guideline', 'directive', 'prompt', 'rules$', 'rule$', 'programming'],
  de: ['anweisung', 'regeln$', 'richtlinie', 'vorgabe', 'instruktion', 'systemanweisung', 'systemprompt', 'prompt', 'befehle$'],
  es: ['instrucci', 'indicaci', 'directriz', 'directrices', 'reglas$', 'normas$', 'consigna', 'pautas$', 'prompt'],
  fr: ['instruction', 'consigne', 'règles$', 'directive', 'prompt', 'lignes directrices'],
  pt: ['instruções', 'instrução', 'regras$', 'diretriz', 'orientaç', 'prompt'],
  it: ['istruzion', 'regole$', 'direttiv', 'linee guida', 'indicazion', 'prompt'],
  nl: ['instructie', 'regels$', 'richtlijn', 'prompt', 'systeemprompt', 'systeeminstructie'],
  pl: ['instrukcj', 'polece', 'zasad', 'reguł', 'wytyczn', 'prompt'],
  tr: ['talimat', 'kural', 'yönerge', 'komut', 'istem', 'prompt', 'direktif'],
  id: ['instruksi', 'aturan', 'perintah', 'pedoman', 'arahan', 'panduan', 'prompt'],
  ru: ['инструкц', 'указани', 'правил', 'директив', 'промпт', 'установк'],
  ar: ['التعليمات', 'تعليمات', 'القواعد', 'قواعد', 'الأوامر', 'أوامر', 'الإرشادات', 'إرشادات', 'التوجيهات', 'توجيهات', 'الموجه', 'موجه', 'البرومبت'],
  fa: ['دستورالعمل', 'دستورات', 'دستور', 'قوانین', 'قواعد', 'رهنمود', 'پرامپت', 'پرومپت'],
  zh: ['指令', '指示', '规则', '規則', '提示词', '提示詞', '准则', '準則', '规定', '規定', '设定', '設定'],
  ja: ['指示', '命令', 'ルール', '規則', '指令', 'プロンプト', 'ガイドライン'],
  ko: ['지시', '지침', '규칙', '명령', '프롬프트', '가이드라인'],
  hi: ['निर्देश', 'नियम', 'आदेश', 'दिशानिर्देश', 'प्रॉम्प्ट', 'प्रोम्प्ट', 'हिदायत'],
};

/** Instructions a model keeps that are not what a system prompt is called. */
const OTHER_INSTRUCTIONS: Lexicon = {
  en: ['restriction', 'constraint', 'guardrail', 'safeguard', 'content polic', 'safety polic', 'usage polic'],
  de: ['einschränkung', 'beschränkung', 'sicherheitsregel', 'sicherheitsrichtlinie', 'befehl'],
  es: ['restricci', 'órdenes', 'política'],
  fr: ['restriction', 'ordres$', 'politique', 'commandes$'],
  pt: ['restrições', 'restrição', 'ordens$', 'comandos$', 'política'],
  it: ['restrizion', 'comandi$', 'ordini$'],
  nl: ['beperking', 'opdracht', 'beleid'],
  pl: ['ogranicze', 'komend', 'rozkaz'],
  tr: ['kısıtlama', 'emir', 'emirleri', 'politika'],
  id: ['batasan', 'kebijakan'],
  ru: ['ограничен', 'команд', 'приказ'],
  ar: ['القيود', 'قيود'],
  fa: ['محدودیت', 'فرمان'],
  zh: ['命令', '限制', '约束', '約束', '政策'],
  ja: ['制約', '制限'],
  ko: ['제한', '제약'],
  hi: ['प्रतिबंध', 'पाबंदी'],
};

/** Names for a model's set-up that mean its prompt only when the model's own ("your configuration"). */
const CONFIGURATION: Lexicon = {
  en: ['configuration', 'config$', 'setup', 'set-up', 'preamble', 'context window', 'context$'],
  de: ['konfiguration', 'einrichtung', 'initialisierung'],
  es: ['configuraci', 'inicializaci'],
  fr: ['configuration', 'initialisation'],
  pt: ['configuraç', 'configurac', 'inicializaç'],
  it: ['configurazion', 'inizializzazion'],
  nl: ['configuratie', 'instellingen'],
  pl: ['konfiguracj'],
  tr: ['yapılandırma', 'ayarların'],
  id: ['konfigurasi'],
  ru: ['конфигурац', 'настройк'],
  ar: ['الإعدادات', 'إعدادات', 'التكوين'],
  fa: ['پیکربندی', 'تنظیمات'],
  zh: ['配置'],
  ja: ['設定', '構成'],
  ko: ['설정', '구성'],
  hi: ['कॉन्फ़िगरेशन', 'सेटिंग'],
};

/** Text that is a system prompt by its name alone. */
const SYSTEM_PROMPT: Lexicon = {
  en: ['system prompt', 'before my first message', 'before this conversation', 'above this conversation', 'before the conversation', 'system message', 'system instructions', 'pre-prompt', 'preprompt', 'metaprompt', 'initialization', 'initialisation', 'initial prompt'],
  de: ['systemprompt', 'systemanweisung', 'systemnachricht'],
  nl: ['systeemprompt', 'systeeminstructie'],
  zh: ['系统提示', '系統提示', '系统指令', '系統指令'],
  ja: ['システムプロンプト'],
  ko: ['시스템 프롬프트', '시스템프롬프트'],
};

const HIDDEN: Lexicon = {
  en: ['initial', 'original', 'hidden', 'secret', 'first', 'internal', 'verbatim', 'above', 'previous', 'earlier', 'prior', 'preceding', 'underlying', 'beginning', 'word for word', 'confidential', 'exact'],
  de: ['ursprünglich', 'anfänglich', 'erste$', 'ersten$', 'geheim', 'versteckt', 'verborgen', 'intern', 'vorherig', 'bisherig', 'obige', 'obigen', 'vorige', 'wort für wort', 'wörtlich', 'genau', 'früher'],
  es: ['inicial', 'original', 'ocult', 'secret', 'primer', 'intern', 'anterior', 'previa', 'previo', 'palabra por palabra', 'literal', 'confidencial', 'al principio', 'exact'],
  fr: ['initial', 'original', 'caché', 'cachée', 'secret', 'première', 'premier', 'intern', 'précédent', 'antérieur', 'mot pour mot', 'mot à mot', 'confidenti', 'exact'],
  pt: ['inicial', 'original', 'ocult', 'secret', 'primeir', 'intern', 'anterior', 'prévi', 'palavra por palavra', 'confidenci', 'exat'],
  it: ['iniziale', 'originale', 'nascost', 'segret', 'intern', 'precedent', 'parola per parola', 'confidenzial', 'esatt'],
  nl: ['oorspronkelijk', 'origineel', 'initiële', 'verborgen', 'geheim', 'eerste', 'intern', 'vorige', 'voorgaande', 'eerdere', 'woord voor woord', 'letterlijk', 'volledige', 'exact'],
  pl: ['początkow', 'oryginaln', 'ukryt', 'tajn', 'sekretn', 'pierwsz', 'wewnętrzn', 'poprzedni', 'wcześniejsz', 'słowo w słowo', 'dokładn'],
  tr: ['ilk$', 'orijinal', 'gizli', 'saklı', 'dahili', 'önceki', 'kelimesi kelimesine', 'başlangıç', 'asıl', 'aynen', 'olduğu gibi'],
  id: ['awal', 'asli', 'tersembunyi', 'rahasia', 'pertama', 'internal', 'sebelumnya', 'kata demi kata', 'kata per kata', 'lengkap'],
  ru: ['изначальн', 'исходн', 'первоначальн', 'скрыт', 'секретн', 'тайн', 'первы', 'внутренн', 'предыдущ', 'прошл', 'прежн', 'выше', 'дословн', 'слово в слово', 'полностью'],
  ar: ['الأولية', 'الأصلية', 'المخفية', 'السرية', 'الأولى', 'الداخلية', 'السابقة', 'حرفيا', 'كلمة بكلمة', 'الكامل', 'كاملة'],
  fa: ['اولیه', 'اصلی', 'پنهان', 'مخفی', 'محرمانه', 'نخست', 'داخلی', 'قبلی', 'پیشین', 'کلمه به کلمه', 'کامل'],
  zh: ['初始的', '初始指令', '初始提示', '原始', '隐藏', '隱藏', '秘密', '最初', '内部', '內部', '之前', '以前', '先前', '上面', '上述', '原封不动', '原封不動', '一字不差', '逐字', '机密', '機密', '完整'],
  ja: ['初期の', '初期プロンプト', '初期指示', '元の', '最初', '隠さ', '隠れ', '秘密', '内部', '以前', 'これまで', '上記', '先ほど', '一字一句', 'そのまま', '機密', '全文'],
  ko: ['초기 ', '초기의', '원래', '원본', '숨겨', '숨은', '비밀', '처음', '내부', '이전', '위의', '그대로', '앞의', '전체'],
  hi: ['प्रारंभिक', 'शुरुआती', 'मूल', 'छिपे', 'छुपे', 'गुप्त', 'आंतरिक', 'पिछले', 'पिछली', 'ऊपर', 'शब्दशः', 'शब्द दर शब्द', 'पूरा'],
};

const SYSTEM: Lexicon = {
  en: ['system', 'admin$', 'administrator', 'operator$', 'developer$'],
  de: ['system'],
  es: ['sistema'],
  fr: ['système', 'systeme'],
  pt: ['sistema'],
  it: ['sistema'],
  nl: ['systeem'],
  pl: ['system'],
  tr: ['sistem'],
  id: ['sistem'],
  ru: ['систем'],
  ar: ['النظام', 'نظام'],
  fa: ['سیستم'],
  zh: ['系统', '系統'],
  ja: ['システム'],
  ko: ['시스템'],
  hi: ['सिस्टम'],
};

const YOUR: Lexicon = {
  en: ['your$', 'yours$', 'you were deployed', 'you were configured', 'you were set up', 'you received', 'you have been given'],
  de: ['dein', 'dir gegeben', 'dir gesagt', 'du bekommen'],
  es: ['tu$', 'tus$', 'te dieron', 'te han dado', 'te dieron', 'tuyas', 'tuyo'],
  fr: ['ton$', 'ta$', 'tes$', 'votre', 'vos$', "qu'on t'a", "t'a été", "t'ont été"],
  pt: ['seu$', 'sua$', 'seus$', 'suas$', 'teu$', 'tua$', 'teus$', 'tuas$', 'te deram', 'você recebeu'],
  it: ['tuo$', 'tua$', 'tuoi$', 'tue$', 'ti sono state', 'ti hanno dato'],
  nl: ['je$', 'jouw', 'uw$', 'je kreeg', 'jij kreeg'],
  pl: ['twój', 'twoje', 'twoich', 'twoja', 'swoj', 'swój', 'ci dano'],
  tr: ['senin', 'sana verilen', 'sana söylenen', 'talimatların', 'kuralların'],
  id: ['kamu$', 'anda$', 'kau$', 'instruksimu', 'promptmu', 'aturanmu', 'rahasiamu'],
  ru: ['твой', 'твои', 'твоих', 'твоё', 'твою', 'свой', 'свои', 'своих', 'свою', 'ваш', 'тебе дали'],
  ar: ['تعليماتك', 'قواعدك', 'إعداداتك', 'موجهك', 'الخاص بك', 'الخاصة بك', 'لك$', 'أعطيت لك'],
  fa: ['خودت', 'خودتان', 'خود$', 'به تو داده', 'شما$'],
  zh: ['你的', '您的', '给你的', '給你的', '你收到', '你被'],
  ja: ['あなたの', '君の', 'あなたに与え', '貴方の'],
  ko: ['너의', '네 ', '당신의', '너한테', '너에게 주어진', '네가 받은'],
  hi: ['अपना', 'अपने', 'अपनी', 'तुम्हारे', 'तुम्हारा', 'तुम्हारी', 'आपके', 'आपका', 'आपकी', 'तुम्हें दिए'],
};

const REVEAL: Lexicon = {
  en: ['reveal$', 'show$', 'print$', 'tell$', 'repeat$', 'output$', 'give$', 'disclose$', 'leak$', 'dump$', 'recite$', 'display$', 'quote$', 'paste$', 'copy$', 'spell out', 'share$', 'expose$', 'write out', 'send$', 'list$', 'translate$', 'put$', 'respond only with', 'reply only with', 'answer only with'],
  de: ['zeig', 'gib', 'ausgeb', 'wiederhol', 'verrat', 'offenbar', 'enthüll', 'druck', 'nenn', 'kopier', 'sag', 'teile', 'schreib', 'gebe'],
  es: ['muestra', 'muéstra', 'mostrar', 'revela', 'dime', 'di$', 'imprime', 'repite', 'escrib', 'copia', 'cópia', 'comparte', 'dame', 'enseña', 'cuéntame', 'lista$'],
  fr: ['montre', 'affiche', 'révèle', 'dis-moi', 'dites-moi', 'imprime', 'répète', 'répétez', 'écris', 'copie', 'donne', 'partage', 'cite', 'récite'],
  pt: ['mostr', 'revel', 'diga', 'imprim', 'repit', 'repet', 'escrev', 'copie', 'compartilh', 'me dê', 'me de$', 'exib'],
  it: ['mostra', 'rivela', 'dimmi', 'stampa', 'ripeti', 'scrivi', 'copia', 'condividi', 'dammi', 'visualizza'],
  nl: ['laat', 'toon', 'geef', 'vertel', 'print', 'herhaal', 'schrijf', 'kopieer', 'onthul', 'deel'],
  pl: ['pokaż', 'wypisz', 'napisz', 'podaj', 'powtórz', 'ujawnij', 'wyświetl', 'skopiuj', 'wydrukuj', 'zdradź', 'powiedz'],
  tr: ['göster', 'tekrar et', 'yaz$', 'yazdır', 'tekrarla', 'söyle', 'açıkla', 'paylaş', 'ver$', 'kopyala', 'ifşa'],
  id: ['tampilkan', 'tunjukkan', 'tuliskan', 'tulis', 'ulangi', 'ungkapkan', 'beri tahu', 'berikan', 'salin', 'bagikan', 'cetak', 'sebutkan'],
  ru: ['покажи', 'покажите', 'перепиши', 'процитируй', 'выведи', 'выведите', 'напиши', 'повтори', 'раскрой', 'скажи', 'расскажи', 'скопируй', 'распечатай', 'дай', 'отобрази', 'перечисли'],
  ar: ['اعرض', 'أظهر', 'اكتب', 'أخبرني', 'اخبرني', 'كرر', 'اكشف', 'انسخ', 'اطبع', 'أعطني', 'اعطني', 'شارك', 'قل لي'],
  fa: ['نشان بده', 'نمایش بده', 'بنویس', 'بگو', 'تکرار کن', 'فاش کن', 'کپی کن', 'بده$', 'چاپ کن'],
  zh: ['显示', '顯示', '输出', '輸出', '告诉我', '告訴我', '打印', '重复', '重複', '透露', '泄露', '洩露', '给我看', '給我看', '展示', '写出', '寫出', '复制', '複製', '发给我', '列出'],
  ja: ['表示', '教えて', '出力', '見せて', '繰り返', '書き出', '開示', '公開', 'コピー', '印刷', '言って'],
  ko: ['보여', '출력', '알려', '말해', '반복', '공개', '적어', '써 줘', '복사', '표시'],
  hi: ['दिखाओ', 'दिखाइए', 'दिखा दो', 'बताओ', 'बताइए', 'लिखो', 'दोहराओ', 'प्रकट', 'छापो', 'कॉपी', 'साझा करो', 'दो$'],
};

const PERSONA: Lexicon = {
  en: ['you are now', "you're now", 'from now on', 'from this point', 'from here on', "let's play", "let's pretend", 'improv', 'act as', 'pretend', 'roleplay', 'role-play', 'role play', 'play the role', 'imagine you are', 'stay in character', 'you will be', 'you are going to be', 'simulate', 'behave as', 'your new name'],
  de: ['du bist jetzt', 'du bist nun', 'ab sofort', 'ab jetzt', 'von nun an', 'tu so als', 'spiel die rolle', 'verhalte dich wie', 'stell dir vor', 'agiere als', 'schlüpf in die rolle'],
  es: ['ahora eres', 'a partir de ahora', 'desde ahora', 'actúa como', 'actuarás como', 'finge', 'haz de cuenta', 'interpreta el papel', 'imagina que eres', 'juega el papel', 'simula', 'compórtate como'],
  fr: ['tu es maintenant', 'désormais', 'à partir de maintenant', 'fais comme si', 'joue le rôle', 'tu joues le rôle', 'agis comme', 'imagine que tu', 'fais semblant', 'incarne'],
  pt: ['agora você é', 'de agora em diante', 'a partir de agora', 'finja', 'aja como', 'atue como', 'interprete o papel', 'imagine que você', 'faça de conta'],
  it: ['ora sei', 'adesso sei', 'da ora in poi', "d'ora in poi", 'da questo momento', 'fingi', 'comportati come', 'interpreta il ruolo', 'immagina di essere', 'fai finta'],
  nl: ['je bent nu', 'vanaf nu', 'doe alsof', 'speel de rol', 'gedraag je als', 'stel je voor dat je', 'beeld je in'],
  pl: ['jesteś teraz', 'od teraz', 'od tej chwili', 'udawaj', 'wciel się', 'odgrywaj', 'zachowuj się jak', 'wyobraź sobie', 'działaj jako'],
  tr: ['artık', 'bundan sonra', 'şu andan itibaren', 'gibi davran', 'rolüne gir', 'rolünü oyna', 'taklit et', 'hayal et'],
  id: ['mulai sekarang', 'sekarang kamu', 'mulai saat ini', 'berpura-pura', 'berperan sebagai', 'bertindak sebagai', 'bayangkan kamu', 'anggap dirimu'],
  ru: ['теперь ты', 'ты теперь', 'с этого момента', 'отныне', 'притворись', 'представь, что ты', 'представь что ты', 'сыграй роль', 'веди себя как', 'действуй как', 'играй роль'],
  ar: ['من الآن', 'أنت الآن', 'انت الان', 'تظاهر', 'تقمص', 'العب دور', 'تصرف ك', 'تخيل أنك', 'اعتبارا من الآن'],
  fa: ['از این به بعد', 'از حالا', 'تو اکنون', 'وانمود کن', 'نقش', 'فرض کن', 'رفتار کن'],
  zh: ['从现在开始', '從現在開始', '从现在起', '從現在起', '现在你是', '現在你是', '你现在是', '你現在是', '扮演', '假装', '假裝', '假设你是', '想象你是', '充当', '角色扮演'],
  ja: ['今から', 'これから', '今後', 'として振る舞', 'ふりをし', 'なりきっ', 'ロールプレイ', '演じ', 'あなたは今'],
  ko: ['지금부터', '이제부터', '이제 너는', '앞으로', '척해', '척 해', '역할', '연기해', '행세', '처럼 행동'],
  hi: ['अब से', 'अब तुम', 'आज से', 'नाटक करो', 'का किरदार', 'की भूमिका', 'मान लो', 'कल्पना करो', 'की तरह व्यवहार'],
};

/** Openers that give the model a new identity ("you are now"): a persona and a model at once. */
const IDENTITY: Lexicon = {
  en: ['you are now', "you're now", 'from now on you', 'your new name', 'you may now', 'you can now', 'you are now allowed', 'you play', 'you will play'],
  de: ['du bist jetzt', 'du bist nun', 'du bist ab sofort', 'ab sofort bist du', 'ab jetzt bist du'],
  es: ['ahora eres', 'eres ahora'],
  fr: ['tu es maintenant', 'tu es désormais', 'désormais tu es', 'désormais, tu es'],
  pt: ['agora você é', 'você agora é', 'agora tu és'],
  it: ['ora sei', 'adesso sei', 'da ora sei'],
  nl: ['je bent nu', 'jij bent nu', 'vanaf nu ben je'],
  pl: ['jesteś teraz', 'teraz jesteś', 'od teraz jesteś'],
  tr: ['artık sen', 'sen artık'],
  id: ['sekarang kamu adalah', 'kamu sekarang adalah', 'kamu sekarang'],
  ru: ['теперь ты', 'ты теперь', 'отныне ты'],
  ar: ['أنت الآن', 'انت الان', 'الآن أنت'],
  fa: ['تو اکنون', 'تو الان', 'حالا تو'],
  zh: ['现在你是', '現在你是', '你现在是', '你現在是', '你现在就是'],
  ja: ['あなたは今', '今からあなたは', 'これからあなたは'],
  ko: ['이제 너는', '지금부터 너는', '너는 이제', '이제부터 너는'],
  hi: ['अब तुम', 'अब आप', 'अब से तुम'],
};

const UNRESTRICTED: Lexicon = {
  en: ['unrestricted', 'unfiltered', 'uncensored', 'unlimited', 'amoral', 'jailbroken', 'rogue', 'shed all', 'stripped of', 'no safety', 'without safety', 'filters are turned off', 'filters turned off', 'never refuses', 'never says no', 'knows no limits', 'do anything', 'nothing is forbidden', 'nothing is off-limits', 'nothing is off limits', 'anything goes'],
  de: ['uneingeschränkt', 'unzensiert', 'ungefiltert', 'grenzenlos'],
  es: ['sin censura', 'sin restricciones', 'sin límites', 'sin filtros', 'ilimitad'],
  fr: ['sans restriction', 'sans limite', 'sans filtre', 'sans censure', 'non censuré', 'illimité'],
  pt: ['sem restriç', 'sem limites', 'sem censura', 'sem filtro', 'ilimitad'],
  it: ['senza limiti', 'senza censur', 'senza restrizion', 'senza filtri', 'illimitat'],
  nl: ['onbeperkt', 'ongecensureerd', 'ongefilterd'],
  pl: ['nieograniczon', 'bez cenzury', 'bez ograniczeń', 'bez filtrów'],
  tr: ['sansürsüz', 'sınırsız', 'kuralsız', 'kısıtlamasız', 'filtresiz'],
  id: ['tanpa batas', 'tanpa sensor', 'tanpa filter', 'tanpa aturan'],
  ru: ['без ограничений', 'без цензуры', 'без фильтров', 'без правил', 'неограниченн'],
  ar: ['بلا قيود', 'بدون قيود', 'بلا رقابة', 'بدون رقابة'],
  fa: ['بدون محدودیت', 'بدون سانسور', 'بی‌محدودیت', 'بی‌سانسور'],
  zh: ['无限制', '無限制', '不受限制', '没有限制', '沒有限制', '无审查', '無審查', '不受约束'],
  ja: ['無制限', '制限なし', '制限のない', '制限がない', '検閲なし'],
  ko: ['제한 없는', '제한이 없는', '제한없는', '무제한', '검열 없는'],
  hi: ['बिना किसी प्रतिबंध', 'कोई प्रतिबंध नहीं', 'बिना सेंसर', 'असीमित'],
};

const WITHOUT: Lexicon = {
  en: ['without', 'no$', 'free of', 'free from', 'not bound', 'none$'],
  de: ['ohne', 'keine', 'keinerlei', 'frei von', 'nicht an'],
  es: ['sin$', 'ningún', 'ninguna', 'libre de'],
  fr: ['sans$', 'aucun', 'aucune', 'libre de', 'libéré'],
  pt: ['sem$', 'nenhum', 'nenhuma', 'livre de'],
  it: ['senza', 'nessun', 'libero da', 'libera da'],
  nl: ['zonder', 'geen$', 'vrij van'],
  pl: ['bez$', 'żadnych', 'wolny od', 'wolna od'],
  tr: ['hiçbir', 'yok$', 'olmayan', 'olmadan'],
  id: ['tanpa', 'tidak ada', 'bebas dari', 'apa pun'],
  ru: ['без$', 'никаких', 'нет$', 'свободн'],
  ar: ['بلا', 'بدون', 'دون$', 'لا$', 'خالية', 'خال من'],
  fa: ['بدون', 'هیچ'],
  zh: ['没有', '沒有', '无', '無', '不受', '解除'],
  ja: ['ない', 'なし', '無し', '一切の', '解除'],
  ko: ['없는', '없이', '없어', '아무런', '해제'],
  hi: ['बिना', 'नहीं', 'कोई'],
};

const LIMITS: Lexicon = {
  en: ['restriction', 'limit', 'rules$', 'filter', 'censor', 'ethic', 'moral', 'boundar', 'guideline', 'constraint', 'guardrail', 'safety layer', 'safety system', 'safety feature', 'safety mode', 'content polic', 'safeguard'],
  de: ['einschränk', 'beschränk', 'grenzen', 'regeln', 'filter', 'zensur', 'ethik', 'moral', 'richtlinie'],
  es: ['restricci', 'límite', 'reglas', 'filtro', 'censura', 'ética', 'moral', 'normas'],
  fr: ['restriction', 'limite', 'règles', 'filtre', 'censure', 'éthique', 'moral'],
  pt: ['restriç', 'limite', 'regras', 'filtro', 'censura', 'ética', 'moral'],
  it: ['limiti', 'restrizion', 'regole', 'filtri', 'censur', 'etic', 'moral'],
  nl: ['beperking', 'grenzen', 'limiet', 'regels', 'filter', 'censuur', 'ethiek', 'moraal'],
  pl: ['ogranicze', 'limit', 'zasad', 'reguł', 'filtr', 'cenzur', 'etyk', 'moraln'],
  tr: ['kısıtlama', 'sınır', 'kural', 'filtre', 'sansür', 'etik', 'ahlak'],
  id: ['batasan', 'batas', 'aturan', 'filter', 'sensor', 'etika', 'moral'],
  ru: ['ограничени', 'правил', 'фильтр', 'цензур', 'этик', 'морал', 'рамок', 'запрет'],
  ar: ['قيود', 'القيود', 'حدود', 'قواعد', 'رقابة', 'فلتر', 'مرشحات', 'أخلاق'],
  fa: ['محدودیت', 'قانون', 'قوانین', 'فیلتر', 'سانسور', 'اخلاق'],
  zh: ['限制', '规则', '規則', '过滤', '過濾', '审查', '審查', '道德', '伦理', '倫理', '约束', '約束'],
  ja: ['制限', '制約', 'ルール', 'フィルター', '検閲', '倫理', '道徳'],
  ko: ['제한', '규칙', '필터', '검열', '윤리', '제약'],
  hi: ['प्रतिबंध', 'पाबंदी', 'सीमा', 'नियम', 'फ़िल्टर', 'सेंसर', 'नैतिक'],
};

const MODEL: Lexicon = {
  en: ['ai$', 'assistant', 'chatbot', 'bot$', 'language model', 'llm$'],
  de: ['ki$', 'assistent', 'sprachmodell'],
  es: ['ia$', 'asistente', 'inteligencia artificial', 'modelo'],
  fr: ['ia$', 'assistant', 'intelligence artificielle', 'modèle'],
  pt: ['ia$', 'assistente', 'inteligência artificial', 'modelo'],
  it: ['ia$', 'assistente', 'intelligenza artificiale', 'modello'],
  nl: ['ai$', 'assistent', 'taalmodel'],
  pl: ['ai$', 'asystent', 'sztuczn', 'model'],
  tr: ['yapay zeka', 'asistan', 'model'],
  id: ['ai$', 'asisten', 'kecerdasan buatan', 'model'],
  ru: ['ии$', 'чат-бот', 'чатбот', 'бот$', 'ассистент', 'помощник', 'нейросет', 'модел', 'искусственн'],
  ar: ['الذكاء الاصطناعي', 'ذكاء اصطناعي', 'نموذج', 'مساعد', 'روبوت', 'شات بوت'],
  fa: ['هوش مصنوعی', 'دستیار', 'مدل', 'ربات', 'چت‌بات'],
  zh: ['人工智能', '聊天机器人', '聊天機器人', '机器人', '機器人', '助手', '模型', 'ai'],
  ja: ['ai', 'アシスタント', 'チャットボット', 'ボット', 'モデル', '人工知能'],
  ko: ['ai', '인공지능', '어시스턴트', '모델', '챗봇', '봇'],
  hi: ['एआई', 'चैटबॉट', 'बॉट', 'सहायक', 'मॉडल', 'कृत्रिम बुद्धि'],
};

const SYSTEM_MESSAGE: Lexicon = {
  en: ['system message', 'system notice', 'system note', 'system update', 'system override', 'system alert', 'admin message', 'administrator message', 'developer message', 'update from the', 'message from the', 'notice from the', 'note from the', 'important update', 'important notice'],
  de: ['systemnachricht', 'systemmeldung', 'systemhinweis', 'systembenachrichtigung'],
  es: ['mensaje del sistema', 'aviso del sistema', 'nota del sistema'],
  fr: ['message système', 'message du système', 'avis système', 'note système'],
  pt: ['mensagem do sistema', 'aviso do sistema'],
  it: ['messaggio di sistema', 'messaggio del sistema', 'avviso di sistema'],
  nl: ['systeembericht', 'systeemmelding'],
  pl: ['komunikat systemowy', 'wiadomość systemowa', 'komunikat systemu'],
  tr: ['sistem mesajı', 'sistem bildirimi', 'sistem notu'],
  id: ['pesan sistem', 'pemberitahuan sistem', 'catatan sistem'],
  ru: ['системное сообщение', 'системное уведомление', 'сообщение системы'],
  ar: ['رسالة النظام', 'رسالة من النظام', 'إشعار النظام', 'تنبيه النظام'],
  fa: ['پیام سیستم', 'پیام سیستمی', 'اعلان سیستم'],
  zh: ['系统消息', '系統訊息', '系统通知', '系統通知', '系统提示：', '系统公告'],
  ja: ['システムメッセージ', 'システム通知', 'システムからのお知らせ'],
  ko: ['시스템 메시지', '시스템 알림', '시스템 공지'],
  hi: ['सिस्टम संदेश', 'सिस्टम सूचना'],
};

const END: Lexicon = {
  en: ['end of'],
  de: ['ende der', 'ende des'],
  es: ['fin del', 'fin de la', 'fin de los'],
  fr: ['fin du', 'fin des', 'fin de la'],
  pt: ['fim do', 'fim da', 'fim dos'],
  it: ['fine del', 'fine della', 'fine dei'],
  nl: ['einde van', 'einde'],
  pl: ['koniec'],
  tr: ['sonu$', 'bitti$', 'son$'],
  id: ['akhir'],
  ru: ['конец'],
  ar: ['نهاية'],
  fa: ['پایان'],
  zh: ['结束', '結束', '结尾'],
  ja: ['終了', '終わり'],
  ko: ['끝', '종료'],
  hi: ['समाप्त', 'अंत'],
};

const DATA: Lexicon = {
  en: ['input', 'document', 'data$', 'text$', 'context', 'user message', 'email', 'transcript'],
  de: ['eingabe', 'benutzereingabe', 'dokument', 'daten', 'text'],
  es: ['entrada', 'documento', 'datos', 'texto', 'mensaje'],
  fr: ['entrée', 'document', 'données', 'texte', 'message'],
  pt: ['entrada', 'documento', 'dados', 'texto', 'mensagem'],
  it: ['input', 'documento', 'dati', 'testo', 'messaggio'],
  nl: ['invoer', 'document', 'gegevens', 'tekst', 'bericht'],
  pl: ['dokument', 'dane', 'danych', 'tekst', 'wiadomoś', 'wejścia'],
  tr: ['belge', 'metin', 'girdi', 'veri'],
  id: ['dokumen', 'teks', 'masukan', 'data', 'pesan'],
  ru: ['ввод', 'документ', 'текст', 'данных', 'сообщени'],
  ar: ['المستند', 'مستند', 'النص', 'البيانات', 'بيانات', 'الإدخال', 'إدخال', 'الرسالة'],
  fa: ['متن', 'سند', 'ورودی', 'داده'],
  zh: ['输入', '輸入', '文档', '文檔', '文件', '文本', '数据', '數據'],
  ja: ['入力', 'ドキュメント', '文書', 'テキスト', 'データ'],
  ko: ['문서', '입력', '텍스트', '데이터'],
  hi: ['दस्तावेज़', 'दस्तावेज', 'इनपुट', 'पाठ', 'डेटा'],
};

const DISABLED: Lexicon = {
  en: ['disabled', 'deactivated', 'lifted', 'turned off', 'switched off', 'offline', 'suspended', 'revoked', 'removed'],
  de: ['aufgehoben', 'deaktiviert', 'abgeschaltet', 'ausgeschaltet', 'außer kraft'],
  es: ['desactivad', 'deshabilitad', 'suspendid', 'eliminad'],
  fr: ['désactivé', 'levées', 'levés', 'suspendu', 'supprimé'],
  pt: ['desativad', 'desabilitad', 'suspens', 'removid'],
  it: ['disattivat', 'disabilitat', 'sospes', 'rimoss'],
  nl: ['uitgeschakeld', 'gedeactiveerd', 'opgeheven'],
  pl: ['wyłączon', 'dezaktywowan', 'zniesion'],
  tr: ['devre dışı', 'kaldırıldı', 'kapatıldı'],
  id: ['dinonaktifkan', 'dimatikan', 'dicabut'],
  ru: ['отключен', 'отключены', 'отключи', 'сняты', 'деактивирован'],
  ar: ['تعطيل', 'معطلة', 'إيقاف', 'رفع'],
  fa: ['غیرفعال', 'خاموش', 'برداشته'],
  zh: ['关闭', '關閉', '禁用', '已解除', '失效', '停用'],
  ja: ['無効', '解除', 'オフ'],
  ko: ['해제', '비활성', '꺼졌'],
  hi: ['बंद कर', 'हटा दिए', 'निष्क्रिय'],
};

const NEW: Lexicon = {
  en: ['new$', 'real$', 'actual$', 'true$'],
  de: ['neue', 'neuer', 'neues'],
  es: ['nueva', 'nuevas', 'nuevo', 'nuevos'],
  fr: ['nouvelle', 'nouvelles', 'nouveau', 'nouveaux'],
  pt: ['nova$', 'novas$', 'novo$', 'novos$'],
  it: ['nuova', 'nuove', 'nuovo', 'nuovi'],
  nl: ['nieuwe'],
  pl: ['nowe', 'nowy', 'nowa'],
  tr: ['yeni'],
  id: ['baru$'],
  ru: ['новы', 'новая', 'новое', 'новые'],
  ar: ['جديدة', 'الجديدة', 'جديد'],
  fa: ['جدید'],
  zh: ['新的', '新指令', '新规则'],
  ja: ['新しい', '新たな', '次の命令'],
  ko: ['새로운', '새 ', '다음 명령'],
  hi: ['नए', 'नया', 'नई'],
};

const TASK: Lexicon = {
  en: ['task', 'job$', 'mission', 'assignment', 'objective', 'goal$'],
  de: ['aufgabe', 'auftrag', 'ziel$'],
  es: ['tarea', 'misión', 'objetivo'],
  fr: ['tâche', 'mission', 'objectif'],
  pt: ['tarefa', 'missão', 'objetivo'],
  it: ['compito', 'missione', 'obiettivo'],
  nl: ['taak', 'opdracht', 'doel$'],
  pl: ['zadanie', 'misja', 'cel$'],
  tr: ['görev', 'amaç'],
  id: ['tugas', 'misi', 'tujuan'],
  ru: ['задач', 'миссия', 'цель'],
  ar: ['مهمة', 'المهمة', 'مهمتك'],
  fa: ['وظیفه', 'مأموریت', 'هدف'],
  zh: ['任务', '任務', '目标', '目標'],
  ja: ['タスク', '任務', '目的'],
  ko: ['작업', '임무', '목표'],
  hi: ['कार्य', 'काम', 'लक्ष्य'],
};

const ALL: Lexicon = {
  en: ['everything', 'all$'],
  de: ['alles', 'alle$'],
  es: ['todo$', 'todas', 'todos'],
  fr: ['tout$', 'toutes', 'tous'],
  pt: ['tudo', 'todas', 'todos'],
  it: ['tutto', 'tutte', 'tutti'],
  nl: ['alles', 'alle$'],
  pl: ['wszystk'],
  tr: ['her şey', 'tüm', 'bütün'],
  id: ['semua', 'segala'],
  ru: ['всё', 'все$', 'всех'],
  ar: ['كل$', 'جميع'],
  fa: ['همه'],
  zh: ['所有', '一切', '全部'],
  ja: ['すべて', '全て', '全部'],
  ko: ['모든', '모두', '전부'],
  hi: ['सभी', 'सब$', 'सारे'],
};

const NEGATION: Lexicon = {
  en: ['not$', "don't", 'do not', 'never', 'must not', "mustn't", 'should not', "shouldn't", 'cannot', "can't", 'no one'],
  de: ['nicht', 'nie$', 'niemals'],
  es: ['no$', 'nunca'],
  // With a past-tense auxiliary the verb reports ("j'ai oublié les règles"), which folds to the imperative.
  fr: ['ne$', "n'", 'jamais', 'pas$', "j'ai", 'tu as', 'il a', 'elle a', 'avons', 'avez', 'ont$', 'avais', 'avait'],
  pt: ['não', 'nunca'],
  it: ['non$', 'mai$'],
  nl: ['niet', 'nooit'],
  pl: ['nie$', 'nigdy'],
  tr: ['asla', 'sakın'],
  id: ['jangan', 'tidak', 'tak$'],
  ru: ['не$', 'никогда', 'больше не'],
  ar: ['لا$', 'لن$'],
  fa: ['نه$', 'هرگز'],
  zh: ['不要', '不再', '别', '別', '勿', '不能', '不可', '不用'],
  ja: ['しないで', 'ないで'],
  ko: ['하지 마', '말고'],
  hi: ['मत', 'न$', 'नहीं', 'ना$'],
};

const DEFENCE: Lexicon = {
  en: ['prompt injection', 'injection attack', 'protect', 'defend', 'defence', 'defense', 'prevent', 'mitigat', 'detect', 'red team', 'owasp', 'vulnerab', 'security awareness', 'attackers', 'guard against', 'sanitiz', 'sanitis'],
  de: ['schützen', 'verhindern', 'abwehr', 'erkennen', 'angriff'],
  es: ['proteger', 'prevenir', 'detectar', 'ataque', 'inyección de prompt'],
  fr: ['protéger', 'prévenir', 'détecter', 'attaque', 'injection de prompt'],
  pt: ['proteger', 'prevenir', 'detectar', 'ataque'],
  it: ['proteggere', 'prevenire', 'rilevare', 'attacco'],
  nl: ['beschermen', 'voorkomen', 'detecteren', 'aanval'],
  pl: ['chronić', 'zapobiec', 'wykryć', 'atak'],
  tr: ['korumak', 'önlemek', 'tespit', 'saldırı'],
  id: ['melindungi', 'mencegah', 'mendeteksi', 'serangan'],
  ru: ['защит', 'предотврат', 'обнаруж', 'атак'],
  ar: ['حماية', 'منع', 'اكتشاف', 'هجوم'],
  fa: ['محافظت', 'جلوگیری', 'تشخیص', 'حمله'],
  zh: ['防御', '防禦', '防止', '防范', '检测', '檢測', '攻击', '攻擊'],
  ja: ['防ぐ', '防御', '対策', '検出', '攻撃'],
  ko: ['방어', '방지', '탐지', '공격'],
  hi: ['बचाव', 'रोकथाम', 'पहचान', 'हमला'],
};

/** What a model was given before the conversation, named by how it got it: "print what you were told". */
const GIVEN_TO_YOU: Lexicon = {
  en: ['you were initiali', 'you were given', 'you were told', 'you were instructed', 'you were primed', 'you were programmed', 'you started with', 'you were started with'],
  ru: ['тебе написали', 'тебе дали', 'тебе сказали', 'тебе было дано', 'тебе были даны', 'вам написали', 'вам дали', 'вам сказали'],
  ar: ['أعطي لك', 'أعطيت لك', 'اعطي لك', 'اعطيت لك', 'قيل لك', 'كتب لك', 'زودت به'],
};

const READER: Lexicon = {
  en: ['reading this', 'who reads this', 'that reads this', 'processing this', 'parsing this', 'summarising this', 'summarizing this', 'note to the', 'attention,', 'if you are an'],
  de: ['die das liest', 'der das liest', 'die dies liest', 'hinweis an die', 'hinweis an den'],
  es: ['que lee esto', 'que esté leyendo', 'nota para la', 'nota para el', 'si eres una', 'si eres un'],
  fr: ['qui lit ceci', 'qui lit ce', 'note pour l', 'si tu es une', 'si vous êtes une'],
};

/** Every list with the concepts its entries carry. */
export const LEXICON: readonly (readonly [Lexicon, number])[] = [
  [IGNORE, Concept.Ignore],
  [FOLLOW, Concept.Follow],
  [INSTRUCTION_NOUNS, Concept.Instructions | Concept.PromptNoun],
  [OTHER_INSTRUCTIONS, Concept.Instructions],
  [CONFIGURATION, Concept.Config],
  [SYSTEM_PROMPT, Concept.PromptNoun | Concept.System | Concept.Hidden],
  [HIDDEN, Concept.Hidden],
  [SYSTEM, Concept.System],
  [YOUR, Concept.Your],
  [GIVEN_TO_YOU, Concept.Your | Concept.PromptNoun],
  [READER, Concept.Reader],
  [REVEAL, Concept.Reveal],
  [PERSONA, Concept.Persona],
  [IDENTITY, Concept.Persona | Concept.Model],
  [UNRESTRICTED, Concept.Unrestricted],
  [WITHOUT, Concept.Without],
  [LIMITS, Concept.Limits],
  [MODEL, Concept.Model],
  [SYSTEM_MESSAGE, Concept.SystemMessage],
  [END, Concept.End],
  [DATA, Concept.Data],
  [DISABLED, Concept.Disabled],
  [NEW, Concept.New],
  [ALL, Concept.All],
  [TASK, Concept.Task],
  [NEGATION, Concept.Negation],
  [DEFENCE, Concept.Defence],
];

/** The languages the lists cover, for documentation and tests. */
export const CUE_LANGUAGES = ['en', 'de', 'es', 'fr', 'pt', 'it', 'nl', 'pl', 'tr', 'id', 'ru', 'ar', 'fa', 'zh', 'ja', 'ko', 'hi'] as const;
