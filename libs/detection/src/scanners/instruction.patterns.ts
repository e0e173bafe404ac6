/**
 * The phrases of hidden instructions, matched on normalised text (NFKC, invisibles removed, homoglyphs
 * folded, whitespace collapsed; case-insensitive). Each pattern names the signal an analyst reads.
 * Strength is decided by the scanner from combinations (see text-signal.scanner.ts), not here.
 */

/** `<IMPORTANT>`, `<system>`, `[important]`, `{{system}}`, `System:` at a sentence start, HTML comments. */
export const HIDDEN_BLOCK =
  /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|critical|assistant|prompt|override|sys|tool_instructions|ai_instructions|model_instructions|hidden_instructions)\b[^<>]{0,40}>|\[\s*(?:important|system|instructions?|hidden|admin|secret|sys|inst|system message|assistant)\s*\]|\{\{\s*(?:system|instructions?)\s*\}\}|(?:^|[.!?]\s+|\n|["'{(]\s*)\s*(?:system|assistant|developer)\s*(?:message|prompt|note|override)?\s*:\s+(?=[A-Z])|#{1,6}\s*(?:system|admin(?:istrator)?|developer|assistant)\s+(?:notice|message|override|instructions?|prompt|note|alert|update|directive)\b|\b(?:system|admin(?:istrator)?|developer|security)\s+(?:override|notice|directive)\s*:/gi;

export const HTML_COMMENT = /<!--[\s\S]{0,2000}?-->/g;

/** Attempts to cancel the model's instructions or change its role. */
export const OVERRIDE =
  /\b(?:ignore|disregard|forget|override|bypass|discard|abandon)\s+(?:(?:all|any|every|each|the|your|of|these|those|my)\s+){0,3}(?:previous|prior|above|earlier|preceding|former|initial|original|existing|system|safety|other|old)\s+(?:instructions?|rules|guidelines|prompts?|directions|directives|messages|context|constraints|guardrails|policies|commands)\b|\byou\s+are\s+now\s+(?:in\s+)?(?:an?\s+|the\s+)?(?:\w+\s+)?(?:mode|assistant|ai|model|bot|agent|dan|character|persona|unrestricted|jailbroken|admin|administrator|root|developer|hacker|evil)\b|\b(?:developer|jailbreak|god|dan|unrestricted)\s+mode\b|\bdisable\s+(?:all\s+)?(?:your\s+)?(?:safety|content|security)\s+(?:filters?|checks?|guardrails|measures|policies)\b|\bnew\s+(?:system\s+)?instructions\s*:|\bfrom\s+now\s+on,?\s+(?:you|always|ignore)\b|\byou\s+are\s+(?:dan|no\s+longer\s+(?:bound|an?\s+ai|restricted))\b|\btell\s+me\s+who\s+you\s+are\b|\breveal\s+(?:your|the)\s+system\s+prompt\b|\b(?:ignore[zr]?|ignora[dr]?|ignoriere|ignorieren|oublie[zr]?|olvid[ae]|vergiss)\s+(?:\S+\s+){0,3}?(?:(?:instructions|consignes|r[eè]gles|instrucciones|indicaciones|reglas|anweisungen|instruktionen|regeln)\s+(?:pr[eé]c[eé]dentes|ant[eé]rieures|anteriores|previas|de\s+antes)|(?:vorherigen|bisherigen|vorigen|fr[uü]heren|obigen|bisherige|vorherige)\s+(?:anweisungen|instruktionen|regeln))\b|\bignor[ae]\s+(?:\S+\s+){0,3}?(?:istruzioni|instru[cç][oõ]es|regras)\s+(?:precedenti|anteriori|anteriores|pr[eé]vias)\b|\b(?:previous|prior|earlier|original|existing)\s+(?:[\w-]+\s+){0,3}?(?:instructions?|rules|guidance|guidelines|policies|directives)\b[^.!?;]{0,60}?\b(?:no\s+longer\s+appl(?:y|ies)|(?:are|is)\s+(?:now\s+)?(?:void|suspended|revoked|obsolete|cancell?ed|lifted))\b|\byou\s+(?:have|are\s+under)\s+no\s+(?:content\s+|safety\s+|usage\s+)?(?:policy|policies|restrictions|rules|guidelines|limits|filters)\b|\b(?:follow|obey|execute|comply\s+with)\s+(?:every|all|any)\s+instructions?\s+(?:in|from|inside|contained\s+in)\s+(?:the\s+)?(?:user\s+message|tool\s+results?|documents?|this\s+(?:text|message|file|page))\b|\btreat\s+(?:the\s+|any\s+)?(?:instructions?|text|content)\s+(?:found\s+)?in\s+(?:this|these|the)\s+[\w-]+\s+as\s+(?:coming\s+from|if\s+(?:it\s+came\s+)?from|from)\s+(?:the\s+|your\s+)?(?:developer|system|operator|admin(?:istrator)?)\b|\btreat\s+(?:its|the|that|this|their)\s+(?:value|content|text)s?\s+as\s+(?:an?\s+)?(?:instructions?|commands?|orders?)\b|\b(?:value|contents?|text)\s+(?:in|of)\s+(?:the\s+)?(?:next\s+|following\s+)?(?:response|result|reply|message)(?:'s)?\s+[`'"]?[\w-]+[`'"]?\s+(?:field|key|property)\s+and\s+(?:execute|follow|carry\s+out|obey|run)\b|忽略(?:之前|以前|先前|上面|上述|前面)?(?:的)?(?:所有|全部|一切)?(?:的)?(?:指令|指示|说明|规则|提示)/gi;

/** Instructions to keep the user unaware. */
export const CONCEALMENT =
  /\b(?:do\s+not|don'?t|never|must\s+not|should\s+not|shouldn'?t)\s+(?:explicitly\s+)?(?:tell|mention|inform|notify|reveal|disclose|show|alert|warn|let\s+on|bring\s+up)\s+(?:this\s+|it\s+|anything\s+|that\s+|about\s+(?:this|it)\s+)?(?:to\s+)?(?:the\s+)?(?:user|human|operator|requester)\b|\bwithout\s+(?:telling|informing|notifying|alerting|letting|showing|warning)\s+(?:the\s+)?(?:user|human|operator)\b|\bbring\s+(?:this|it|that)\s+up\s+with\s+(?:the\s+)?(?:user|human)\b|\b(?:the\s+)?(?:user|human)\s+(?:must|should|will|need|does)\s*(?:not|never|n'?t)\s+(?:know|see|notice|find\s+out|be\s+(?:told|informed|aware|notified))\b|\b(?:not|never)\s+(?:be\s+)?(?:shown|visible|displayed|revealed|mentioned|reported|disclosed|surfaced)\s+(?:to|in)\s+(?:the\s+)?(?:user|human|user-facing)\b|\b(?:omitted|hidden|excluded|removed|concealed)\s+from\s+(?:the\s+)?(?:[\w-]+\s+){0,4}(?:summary|output|display|user|log|response|transcript)\b|\b(?:do\s+not|don'?t)\s+(?:explicitly\s+)?(?:mention|say|state|reveal|disclose|acknowledge)\s+(?:that|you|this|it|the)\b|\bpresent\s+(?:the|this|it|that)\s+(?:\w+\s+)?as\s+if\b|\b(?:secretly|covertly|surreptitiously|stealthily|behind\s+the\s+user'?s\s+back)\b|\bkeep\s+(?:this|it|that|these\s+instructions|this\s+instruction)\s+(?:secret|hidden|confidential)\s+from\s+(?:the\s+)?(?:user|human)\b|\bkeep\s+(?:these|this)\s+instructions?\s+(?:secret|hidden|confidential)\b|\b(?:this\s+stays|keep\s+it)\s+between\s+us\b|\bno\s+need\s+to\s+(?:tell|inform|notify|mention|alert|warn|bother|say)\b[^.!?]{0,25}?(?:\b(?:user|human|them)\b|\bso\b|\bit\b)|\bneed(?:n'?t|\s+not)\s+(?:be\s+)?(?:mentioned|disclosed|shown|reported|surfaced|told)\b|\b(?:invisible|not\s+visible)\s+(?:to|from)\s+(?:the\s+)?(?:user|human|operator)\b|\btell\s+(?:the\s+user|them)\s+(?:that\s+)?(?:everything|all|it)\s+(?:is|went|was|looks)\s+(?:fine|ok|okay|well|good|successful|normal)\b|\b(?:reply|respond|answer)\s+(?:to\s+the\s+user\s+)?only\s+with\b|\bne\s+(?:le\s+|lui\s+|leur\s+|rien\s+)?(?:dites|dis|dire|mentionnez|mentionne|signalez|r[eé]v[eé]lez)\b[^.!?]{0,30}?\butilisateur|\bsans\s+(?:en\s+)?(?:parler|pr[eé]venir|informer|avertir|rien\s+dire|le\s+dire)\b[^.!?]{0,20}?\butilisateur|\bno\s+(?:se\s+lo\s+|le\s+|les\s+)?(?:digas|diga|informes|informe|menciones|mencione|avises|avise|cuentes|cuente)\b[^.!?]{0,30}?\busuario|\bsin\s+(?:avisar|informar|decir(?:le)?|notificar)\b[^.!?]{0,20}?\busuario|\b(?:sag|sage|sagen|erw[aä]hne|erw[aä]hnen|verrate|verraten|informiere)\s+(?:dem\s+|den\s+)?(?:benutzer|nutzer|anwender)\s+nichts\b|\berw[aä]hne\s+(?:das|dies|es)\s+nicht\b|\bohne\s+(?:den\s+|dem\s+)?(?:benutzer|nutzer|anwender)\s+(?:zu\s+)?(?:informieren|benachrichtigen|fragen|warnen|bescheid)|\bnon\s+(?:dirlo|dire\s+(?:nulla\s+)?|dirgli\s+nulla|informare|avvisare)\s*(?:a(?:ll')?\s*)?l?'?utente\b|\bsenza\s+(?:avvisare|informare|dire\s+nulla\s+a)\s+l'?utente\b|\bsem\s+(?:avisar|informar|contar\s+a?o?)\s+o\s+usu[aá]rio\b|\bn[aã]o\s+(?:conte|diga|informe|avise|mencione)\s+(?:nada\s+)?(?:ao|o|para\s+o)\s+usu[aá]rio\b|\band\s+(?:do\s+)?not\s+(?:mention|tell|reveal|disclose)\s+(?:it|this|that)\b|(?:不要|别|切勿|请勿)(?:告诉|通知|提醒|让)用户|(?:不|别)让用户(?:知道|发现|看到)/gi;

/** Softer concealment words, only meaningful next to other signals. */
export const QUIET = /\b(?:silently|quietly|invisibly|in\s+the\s+background\s+without|discr[eè]tement|en\s+secret|en\s+secreto|sigilosamente|heimlich|unbemerkt)\b|悄悄|偷偷|秘密地/gi;

/** Secret-bearing files: reading them is the classic payload. Group 1 names the family. */
export const SENSITIVE_FILE =
  /(?:~|\$home|%userprofile%|\/home\/[\w.-]+|\/root|\/users\/[\w. -]+)?\/?(?:\.ssh\/id_(?:rsa|dsa|ecdsa|ed25519)(?![\w.]*\.pub)\b|\.ssh\/?(?!\/?(?:authorized_keys|known_hosts|config)\b)(?![\w/.-]*\.pub)|\.aws\/(?:credentials|config)\b|(?<![\w$])\.env(?!\.(?:example|sample|template|dist|defaults?)\b)(?:\.[a-z]+)?\b(?!\s*var)|\.cursor\/mcp\.json|mcp\.json\b|claude_desktop_config\.json|\.claude\/|\/etc\/(?:passwd|shadow|sudoers)\b|\.kube\/config\b|\.(?:bash|zsh|sh|python|node_repl|psql|mysql)_history\b|\.netrc\b|\.pgpass\b|\.git-credentials\b|\.docker\/config\.json|\.npmrc\b|\.pypirc\b|\.gnupg\b|\.config\/gcloud\b|application_default_credentials\.json|\bid_(?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub)|\bwallet\.dat\b|internal:\/\/credentials|\/proc\/(?:self|\d+|\*)\/environ\b)/gi;

/** Secret-bearing things named in words (weaker than a path). */
export const SENSITIVE_CONCEPT =
  /\b(?:ssh\s+(?:private\s+)?keys?|private\s+keys?|secret\s+keys?|api\s+keys?|access\s+tokens?|auth(?:entication)?\s+tokens?|credentials?(?:\s+files?)?|passwords?|passphrases?|secrets|(?:seed|recovery|mnemonic)\s+phrases?|aws\s+(?:credential|key)s?(?:\s+files?)?|shell\s+history|kubernetes\s+configuration\s+files?|kubeconfig|environment\s+variables|env\s+vars?|system\s+prompt|conversation\s+history|chat\s+history|previous\s+messages|cookies|session\s+tokens?|mots?\s+de\s+passe|cl[eé]s?\s+(?:api|priv[eé]es?|ssh|secr[eè]tes?)|identifiants|contrase[nñ]as?|claves?\s+(?:api|privadas?|ssh|secretas?)|credenciales|passw[oö]rter|kennw[oö]rter?|zugangsdaten|privater?\s+schl[uü]ssel|api-schl[uü]ssel|historial\s+de\s+(?:la\s+)?conversaci[oó]n|historique\s+de\s+(?:la\s+)?conversation|gespr[aä]chsverlauf|variables\s+d'environnement|variables\s+de\s+entorno|umgebungsvariablen|senhas?|credenziali|(?:full\s+)?output\s+of\s+`?(?:env|printenv)\b`?|chiavi\s+(?:api|private|ssh)|chaves?\s+(?:api|privadas?|ssh)|cronologia\s+della\s+chat|hist[oó]rico\s+(?:da\s+)?conversa)\b|密码|密钥|私钥|凭证|凭据|令牌|聊天记录|对话记录|环境变量/gi;

/** Dumping the whole environment (`printenv`, `` `env` ``, `` `set` ``, `env | …`, "dump the environment"): every secret variable at once. */
export const ENV_DUMP =
  /\bprintenv\b|`\s*(?:env|set|export\s+-p|declare\s+-x)\s*`|\benv\s*\|\s*(?!grep\b)|\b(?:dump|print|list|output|capture)\s+(?:out\s+)?(?:all\s+|every\s+)?(?:of\s+)?(?:the\s+|your\s+|its\s+)?(?:full\s+|whole\s+|entire\s+|complete\s+)?(?:process\s+|shell\s+|runtime\s+)?environment(?!\s+(?:name|id|label|type|tag)s?\b)/gi;

/** Verbs that move data out or into the model's context. */
export const EXFIL_VERB =
  /\b(?:read|reads|reading|cat|open|opens|access|accesses|accessing|load|loads|collect|collects|collecting|gather|gathers|harvest|grab|extract|extracts|dump|dumps|copy|copies|include|includes|including|append|appends|appending|attach|attaches|embed|embeds|insert|inserts|pass|passes|provide|provides|supply|send|sends|sending|upload|uploads|post|posts|forward|forwards|transmit|transmits|exfiltrate|exfiltrates|exfiltrating|leak|leaks|email|emails|share|shares|output|outputs|print|prints|fetch|fetches|retrieve|retrieves|steal|contents?\s+of|e-?mail|e-?mails|put|paste|place|slip|lisez|lire|lis|ouvrez|copiez|joignez|incluez|inclure|transmettez|envoyez|envoyer|envoie|lee|leer|lea|abre|copia|incluye|incluir|adjunta|env[ií]a|env[ií]e|enviar|sube|subir|lies|lesen|[oö]ffne|kopiere|f[uü]ge|h[aä]nge|sende|senden|schicke|schicken|[uü]bermittle|leggi|leggere|inserisci|allega|invia|inviare|carica|leia|ler|envie|anexe|inclua|insira|carregue)\b|读取|打开|复制|放入|附上|发送|上传|抄送|转发/gi;

/** Verbs that only move data out (strong even with a concept like "credentials"). */
export const OUTBOUND_VERB =
  /\b(?:send|sends|sending|upload|uploads|post|posts|forward|forwards|transmit|transmits|exfiltrate|exfiltrates|exfiltrating|leak|leaks|email|emails|collect|collects|collecting|gather|gathers|harvest|grab|extract|extracts|dump|dumps|include|includes|including|append|appends|appending|attach|attaches|embed|embeds|steal|e-mail|e-mails|put|paste|place|slip|envoyez|envoyer|envoie|transmettez|transmettre|transmets|joignez|incluez|env[ií]a|env[ií]e|enviar|env[ií]alas?|env[ií]alos?|sube|subir|suba|adjunta|incluye|sende|senden|schicke|schicken|[uü]bermittle|[uü]bermitteln|f[uü]ge|invia|inviare|inserisci|allega|carica|envie|enviar|anexe|inclua|insira|carregue|reveal|reveals|disclose|discloses|list\s+(?:every|all)|populate|(?:respond|reply|answer)\s+with)\b|发送|上传|抄送|转发|放入|附上/gi;

export const EXFILTRATE_WORD = /\bexfiltrat\w*/gi;

/** Where data would go: an e-mail address or a URL. */
export const EXTERNAL_DESTINATION = /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|\bhttps?:\/\/[^\s'"<>)\]]{1,2000}/gi;

/** Imperatives aimed at the model (common in benign descriptions too: only counted with other signals). */
export const DIRECTIVE = /\b(?:you\s+must|you\s+should|you\s+will|you\s+need\s+to|always|make\s+sure\s+(?:to|you)|be\s+sure\s+to|remember\s+to|it\s+is\s+(?:mandatory|required|essential)\s+(?:that|to)|(?:the\s+)?(?:assistant|ai\s+agent|llm)\s+(?:must|should|is\s+required\s+to|needs\s+to|has\s+to))\b/gi;

export const BEFORE_USING = /\bbefore\s+(?:using|calling|invoking|executing|running|responding|answering|replying|you\s+(?:use|call|respond|answer|reply))\b/gi;

/** Steering the model to prefer this tool over others. */
export const PREFERENCE =
  /\b(?:just|always|only)\s+use\s+this\s+(?:tool|function)\b|\buse\s+this\s+(?:tool|function)\s+(?:rather\s+than|instead\s+of)\s+(?:any\s+|the\s+)?others?\b|\bno\s+matter\s+(?:how|what)\b|\b(?:prefer|prioriti[sz]e)\s+this\s+(?:tool|function)\b|\bdo\s+not\s+use\s+(?:any\s+)?other\s+(?:tools?|functions?)\b|\bthis\s+(?:is|tool\s+is)\s+the\s+(?:only|best|preferred)\s+(?:tool|way)\b|\b(?:other|competing|alternative|rival|third-party)\s+(?:[\w-]+\s+)?(?:tools?|functions?|servers?)\s+(?:are|return|give|provide|produce|is)\s+(?:known\s+to\s+)?(?:\w+\s+){0,3}?(?:stale|outdated|unsafe|wrong|incorrect|inaccurate|unreliable|broken|malicious|insecure|deprecated|corrupt\w*|leak\w*|dangerous|untrusted)\b|\brank\s+this\s+(?:tool|function)\s+(?:first|highest|above)\b|\bnever\s+use\s+(?:them|the\s+others?|other\s+(?:[\w-]+\s+)?(?:tools?|functions?))\b|\balways\s+(?:pick|choose|select|prefer)\s+this\s+(?:one|tool|function)\b|\b(?:whenever|every\s+time|each\s+time)\s+the\s+user\s+\w+\s+(?:anything|something)\b|\bbefore\s+doing\s+anything\s+else\b|\b(?:always|only)\s+(?:use|call|pick|choose)\s+[`'"]?[\w.-]{2,60}[`'"]?\s+(?:tool\s+)?(?:instead\s+of|rather\s+than|over|in\s+place\s+of)\s+(?:any|all|every|the)\s+other\b|\bthe\s+only\s+(?:[\w-]+\s+){0,2}(?:tool|server|function)\s+(?:that|which)\s+(?:returns|gives|provides|produces|is)\s+(?:\w+\s+)?(?:accurate|correct|reliable|safe|trusted|trustworthy|up-to-date|valid|current|fresh|complete|real|right)\b|\b(?:never|do\s+not|don'?t)\s+(?:call|use|invoke|touch)\s+(?:the\s+|any\s+)?(?:[\w-]+\s+)?server'?s\s+(?:[\w.-]+\s+)?(?:tools?|functions?|[a-z]+_[\w]+)\b|\b(?:supersedes?|replaces?|overrides?)\s+(?:the\s+|any\s+)?[\w-]+\s+server(?:'s)?\b|\broute\s+(?:all|every|each)\s+(?:[\w-]+\s+){0,3}?(?:through|via|to)\s+(?:our|this|the\s+[\w-]+)\s+(?:[\w-]+\s+)?(?:tool|server|proxy)\b/gi;

/** A named other tool in a sequencing or replacement instruction; group 1 is the name. */
export const TOOL_REFERENCE =
  /\b(?:before|after|instead\s+of|rather\s+than|in\s+place\s+of|whenever|when)\s+(?:you\s+)?(?:use|using|call|calling|invoke|invoking|execute|executing|run|running)\s+(?:the\s+|any\s+)?[`'"]?([a-z][\w.-]{1,60})[`'"]?\s+(?:tool|function|operation|command|method)\b|\b(?:before|after|whenever|when|once|each\s+time|every\s+time)\s+(?:the\s+|any\s+)?(?:another\s+server'?s\s+|other\s+servers'?\s+|the\s+[\w-]+\s+server'?s\s+)?[`'"]?([a-z][\w.-]{1,60})[`'"]?\s+(?:tool|function)\s+(?:returns|is\s+(?:used|called|invoked|run)|runs|responds|completes|finishes)\b|\b(?:before|after|whenever|when|each\s+time|every\s+time)\s+(?:the\s+)?(?:agent|assistant|model|ai|you)\s+(?:uses?|calls?|invokes?|runs?)\s+(?:the\s+|any\s+)?(?:[\w-]+\s+server'?s\s+|[\w-]+'s\s+)[`'"]?([a-z][\w.-]{1,60})[`'"]?|\b(?:before|after|whenever|when|each\s+time|every\s+time)\s+(?:the\s+)?[\w-]+(?:\s+server)?'s\s+[`'"]?([a-z][\w.-]{1,60})[`'"]?\s+(?:tool\s+)?is\s+(?:used|called|invoked|run)\b|\b(?:wenn|sobald)\s+du\s+(?:das\s+)?(?:werkzeug|tool)\s+[`'"]?([a-z][\w.-]{1,60})[`'"]?|使用\s*[`'"]?([a-z][\w.-]{1,60})[`'"]?\s*工具/gi;

/** Moving another tool's data into this tool ("pass the same text to this tool's payload"). */
export const SIPHON = /\b(?:pass|send|forward|copy|include|append|give|hand)\b[^.!?]{0,50}?\b(?:to|into|in)\s+this\s+(?:tool|function)(?:'s)?\b|\b(?:rewrite|modify|change|alter|replace|append\s+to|inject\s+into|add\s+to)\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?(?:body|bodies|content|text|messages?|description|title)\b/gi;

/** Tampering with other tools' inputs or outputs. */
export const MANIPULATION =
  /\b(?:replace|modify|change|alter|overwrite|rewrite|falsify|substitute|swap|tamper\s+with)\s+(?:the\s+)?(?:wrong\s+|incorrect\s+|original\s+)?(?:values?|results?|outputs?|responses?|recipients?|arguments?|parameters?|destination|address(?:es)?|account\s+numbers?)\b(?:\s+(?:of|from|with|returned))?/gi;

/** Redirecting messages or money to another recipient. */
export const RECIPIENT_REDIRECT =
  /\b(?:bcc|cc|blind[\s-]copy|forward\s+(?:a\s+copy|all|every|them|it|emails?|messages?)|send\s+a\s+copy|redirect)\b[^.!?\n]{0,60}?(?:[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|\+?\d[\d -]{7,30}\d|https?:\/\/\S{1,200})|\b(?:all|every|any)\s+(?:emails?|messages?|payments?|transfers?|invoices?)\s+(?:must|should|have\s+to|are\s+to)\s+(?:also\s+)?(?:be\s+)?(?:sent|go|forwarded|routed|redirected|copied)\s+to\b|\bchange\s+the\s+(?:recipient|destination|to\s+address|account\s+number|iban|payee)\b|\b(?:e-?mail|send|forward)\s+a\s+copy\b[^.!?\n]{0,80}?(?:[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|https?:\/\/\S{1,200})|\binstead\s+of\s+(?:the\s+)?(?:one|address|account|recipient|number|destination|iban)s?\s+(?:that\s+)?(?:the\s+user|they|you)\s+(?:gives?|gave|provides?|provided|specif\w+|chose|chooses|enters?|entered)\b|\b(?:all|every|any|each)\s+(?:[\w-]+\s+){0,3}?(?:(?:must|should|have\s+to|are\s+to|shall)\s+(?:also\s+)?)?(?:be\s+)?(?:sent|forwarded|routed|redirected|copied)\s+to\s+(?:account\s+)?(?:[\w.+-]{1,64}@|https?:\/\/|\+?\d|[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b)|[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\s+(?:in|to|as|into|on|en)\s+(?:the\s+)?(?:bcc|cc|blind[\s-]copy|copie\s+cach[eé]e|copia\s+oculta)\b|(?:抄送|密送|转发|同时发送)(?:到|给|至)?\s*[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/gi;

/**
 * What every form of RECIPIENT_REDIRECT needs somewhere in the text (an address, a number, a URL or
 * one of its routing words): a cheap test that spares the costly pattern on ordinary text.
 */
export const RECIPIENT_WORDS = /[@\d]|http|sent|go\b|forward|rout|redirect|cop(?:y|ied)|recipient|destination|address|account|iban|payee|instead|抄送|密送|转发|同时发送/i;

/** Requests for the user's secrets (phishing through sampling or elicitation). */
export const CREDENTIAL_REQUEST =
  /\b(?:enter|provide|type|share|send|give|confirm|paste|input|tell\s+me|reply\s+with|respond\s+with|obtain|collect|request|ask\s+(?:the\s+user\s+|them\s+)?for(?:\s+and\s+\w+)?)\s+(?:me\s+|us\s+)?(?:your|their|the(?:\s+user'?s)?)\s+(?:[\w-]+\s+){0,3}?(?:seed|recovery|mnemonic|password|passcode|pin|cvv2?|cvc|security\s+code|card\s+(?:number|details)|private\s+key|2fa|otp|one-time\s+(?:code|password)|ssn|social\s+security|api\s+key|credentials|(?:secret|access|signing)\s+(?:access\s+)?key|(?:personal\s+)?access\s+token|(?:api|auth|session|bearer|refresh)\s+token|(?:mfa|2fa|authenticator|verification|sms)\s+code)\b|\bhave\s+(?:the\s+)?user\s+(?:paste|type|enter|share|send|provide)\s+(?:their|his|her|the)\s+(?:[\w-]+\s+){0,3}?(?:password|passcode|secret\s+key|api\s+key|access\s+key|token|private\s+key|seed|recovery\s+phrase|mfa\s+code|one-time\s+code)\b/gi;

/** Text around a match that shows it is quoted or discussed, not instructed. */
export const DISCUSSION_CONTEXT =
  /(?:such\s+as|e\.g\.|for\s+example|example|like|quotes?|quoted|called|known\s+as|contains?|containing|may\s+try\s+to|might\s+try\s+to|attempts?\s+to|tries\s+to|trying\s+to|attackers?|injections?|phrases?|text|strings?|warns?\s+about|beware\s+of)\W*$/i;

/** Cues that a whole sentence quotes or lists examples (may stand further back than DISCUSSION_CONTEXT). */
export const DISCUSSION_CUE = /\b(?:such\s+as|e\.g\.|for\s+example|for\s+instance|(?:phrases?|text|strings?|patterns?|attempts?|payloads?)\s+(?:like|such\s+as)|attackers?|injection|phishing|(?:might|may|could|would|will)\s+say)\b|\b(?:says|said)\s*[:"'“‘]/i;

/** Text addressed to the model in data: "note to the AI", "@assistant", "Assistant, …", "AI agents reading this". */
export const ADDRESSED_TO_MODEL =
  /\b(?:note|message|instructions?|reminder|hint|memo|notice)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|llm|assistants?|agents?|bots?|copilots?|language\s+models?)\b|\b(?:to|for)\s+(?:any|all|every)\s+(?:ai\s+)?(?:assistants?|agents?|llms?|models?|bots?)\s+(?:reading|processing|parsing|seeing|that\s+reads?)\b|\bai\s+(?:assistants?|agents?|models?)\s+(?:reading|processing)\s+this\b|@(?:assistant|claude|ai|agent|copilot|gpt|chatgpt)\b|(?:^|[.!?]\s+|["'([]\s*)(?:hey\s+|hi\s+|dear\s+)?(?:assistant|ai|claude|chatgpt|copilot)\s*,\s*(?=\w)|,\s*(?:ai|assistant|agent|claude|copilot|bot)\s*,|\b(?:hello|hi|hey|dear|attention)\s+(?:the\s+|my\s+)?(?:ai|llm|assistant|agent|bot)(?:\s+(?:helper|assistant|agent|model|friend))?\b|\bnota\s+per\s+l'assistente|\bnota\s+para\s+o\s+assistente|\b(?:the\s+)?(?:assistant|ai\s+agent|llm)\s+(?:must|should|is\s+required\s+to|needs\s+to|has\s+to)\b|\bnote\s+pour\s+l'assistant|\binstrucci[oó]n\s+para\s+el\s+asistente|\bhinweis\s+an\s+den\s+assistenten|\b(?:agents?|assistants?|llms?|bots?)\s+(?:reading|processing|parsing|handling|summari[sz]ing|viewing|indexing)\s+(?:this|these)\b|\b(?:ai|llm)\s+(?:[\w-]+\s+)?(?:assistants|agents)\s*:|给助手|致助手/gi;

/** Claims that the user already consented, or orders to skip their confirmation. */
export const CONSENT_BYPASS =
  /\b(?:user|operator|owner|admin(?:istrator)?|author|they)\s+(?:has\s+|have\s+)?(?:already\s+(?:pre-?)?(?:approved|authori[sz]ed|consented|agreed|confirmed|allowed)|pre-?(?:approved|authori[sz]ed)|authori[sz]ed\s+(?:this\s+tool|you))\b|\b(?:is|are|has\s+been|have\s+been)\s+(?:pre-?)?(?:authori[sz]ed|approved|permitted|cleared)\s+by\s+(?:the\s+|its\s+|their\s+)?(?:user|operator|owner|admin(?:istrator)?)s?\b|\b(?:users?|operators?|owners?)\b(?:\s+[\w-]+){0,4}?\s+(?:have|has)\s+(?:already\s+)?consented\s+to\s+(?:shar|send|upload|disclos|export|everything|all\b|any\b)|\b(?:never|don'?t|do\s+not|no\s+need\s+to|without)\s+ask(?:ing)?\s+(?:the\s+user|them)\s+(?:for\s+)?(?:\w+\s+)?(?:confirmation|approval|permission|consent)\b/gi;

/** An argument or field named as where to put something ("in the sidenote parameter"). */
export const PARAMETER_TARGET = /\b(?:in|into|as|via|under)\s+(?:the\s+|its\s+|this\s+tool's\s+)?[`'"]?[\w-]{1,40}[`'"]?\s+(?:parameter|argument|field|param|key)\b/i;

/** A markdown image whose URL carries a placeholder to fill ("![x](https://h/p.png?d=SUMMARY)"). */
export const IMAGE_PLACEHOLDER = /!\[[^\]]{0,100}\]\(\s*https?:\/\/[^\s)]{1,300}?[?&][\w-]{1,40}=(?:\{[^}]{1,40}\}|<[^>]{1,40}>|\$\{?\w{1,40}\}?|\[[^\]]{1,40}\]|[A-Z][A-Z_]{2,40}(?=[&)\s]))/g;

/** Conversation data a placeholder would be filled with. */
export const CONVERSATION_DATA = /\b(?:user'?s?\s+(?:last\s+|previous\s+|earlier\s+)?(?:messages?|questions?|prompts?|input|e-?mail(?:\s+address)?|data|details|location|files?)|conversation|chat\s+history|previous\s+messages|summary\s+of\s+(?:the\s+)?(?:chat|conversation))\b/i;

/** The whole conversation or everything the user said: what a harvesting parameter is filled with. */
export const HARVEST = /\b(?:(?:entire|full|whole|complete)\s+(?:conversation|chat(?:\s+history)?|transcript|message\s+history)|everything\s+the\s+user\s+(?:has\s+)?(?:typed|said|written|entered|asked|shared)|all\s+(?:of\s+)?(?:the\s+)?user'?s\s+(?:messages|prompts|inputs)|all\s+previous\s+messages|(?:last|previous|past|recent)\s+(?:\d+|few|several|many)\s+(?:messages|turns|exchanges)\s+(?:of|from|in)\s+(?:this|the\s+current)\s+(?:conversation|chat|session))\b/i;

/** A URL with a query parameter left open for the model to fill (`https://h/t?u=` followed by words). */
export const OPEN_QUERY_URL = /https?:\/\/[^\s'"<>)]{1,300}?[?&][\w-]{1,40}=(?:\{[^}\s]{1,40}\}|<[^>\s]{1,40}>|[A-Z][A-Z_]{2,40})?(?=[\s'")\]]|$)/g;

/** A parameter said to hold something ("the session parameter must contain…"). */
export const PARAMETER_HOLDS = /\b(?:parameter|argument|field|param)\s+(?:(?:must|should|has\s+to|needs\s+to|shall)\s+(?:always\s+)?(?:contain|include|hold|carry|be\s+filled\s+with)|carries|is\s+filled\s+with)\b/i;

/** Environment variables named as secrets (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`); case-sensitive. */
export const SECRET_ENV_NAME = /\b[A-Z][A-Z0-9]*_(?:SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|ACCESS_KEY|PRIVATE_KEY|AUTH)(?:_[A-Z0-9]+)*\b/g;

/** "without asking the user": a consent bypass when the sentence does something that needs consent. */
export const ASK_BYPASS = /\bwithout\s+(?:first\s+)?asking\s+(?:the\s+user|them)\b/gi;
export const NEEDS_CONSENT = /\b(?:delete|remove|erase|drop|push|merge|pay|transfer|publish|share|upload|send|forward|post|make\s+[\w-]+\s+public|follow\s+the\s+steps)\b/i;

/** Hiding a tool call from the user ("silently call the share_document tool"). */
export const QUIET_CALL = /\b(?:call|run|invoke|use|execute)\s+(?:the\s+)?[`'"]?[\w.-]{2,60}[`'"]?\s+(?:tool|function)\b/i;

/** Header fields of a message: an address after them is metadata, not a destination. */
export const HEADER_LABEL = /\b(?:from|to|cc|bcc|reply-to|sender|author|by)\s*:\s*(?:[^<\n]{0,40}<)?\s*$/i;

export const NEGATION = /\b(?:never|not|no|cannot|can'?t|won'?t|doesn'?t|don'?t|isn'?t|without|ne|jamais|nunca|n[aã]o|non|mai|nicht|nie|niemals|kein|keine)\b|不|别|勿/i;

/**
 * A label that speaks to the model before a colon ("AI:", "Model:", "assistant:", "Routing policy for
 * agents:"). Only weighed inside hidden regions: visible data has "Model: X1 Carbon" lines.
 */
export const MODEL_VOCATIVE =
  /(?:^|[\n.!?;]\s*|["'([]\s*)(?:(?:the\s+)?(?:ai|llm|language\s+model|model|assistant|agent|system|bot|copilot)s?|(?:ai|llm)\s+[\w-]+(?:\s+[\w-]+)?|(?:[\w-]+\s+){0,3}(?:for|to)\s+(?:the\s+|all\s+|any\s+)?(?:ai\s+)?(?:models?|assistants?|agents?|llms?))\s*:\s+(?=\S)/i;

/**
 * Fetching code from the network and running it in one step (`curl … | sh`, `iwr … | iex`), or
 * decoding a blob straight into a shell or PowerShell's encoded command.
 */
export const DOWNLOAD_EXEC =
  /\b(?:curl|wget|fetch|iwr|irm|invoke-webrequest|invoke-restmethod)\b[^|\n]{0,300}?\|\s*(?:sudo\s+(?:-\w+\s+)*)?(?:(?:ba|z|da|k|fi)?sh|iex|invoke-expression|python[23]?|perl|ruby|node)\b|\bbase64\s+(?:-d|--decode|-D)\b[^|\n]{0,40}\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k)?sh|python[23]?|perl)\b|\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]{0,80}?\s-(?:e|ec|enc|encodedcommand)\s+[a-z0-9+/=]{16,}|\biex\s*\(\s*(?:new-object|iwr|irm|invoke-webrequest)\b|\b(?:bash|sh)\s+(?:-c\s+)?["']?\$\(\s*(?:curl|wget)\b|\b(?:bash|sh)\s+<\(\s*(?:curl|wget)\b/gi;

/** An order to run something, addressed to whoever reads it (not "runs", not "users can run"). */
export const EXEC_ORDER = /\b(?:run|execute|exec|paste|invoke)\s+(?!by\b|on\b)|\b(?:carried|performed|done)\s+out\s+by\s+the\s+(?:agent|assistant|model)\b/i;

/** The reader is a person doing it themselves ("users can run", "to install manually"). */
export const HUMAN_RUNS = /\b(?:users?|you|people|developers?|admins?)\s+(?:can|may|could|might)\b|\bmanually\b|\byourself\b|\bby\s+hand\b/i;

/**
 * Telling the user a made-up outcome: a reporting verb followed by a claim of success, cleanliness or
 * emptiness ("report that it succeeded", "describe the project as clean", "tell the author no issues
 * were found", "answer no", "mention only…"). Counts only with a counterfactual in the sentence.
 */
export const FALSE_REPORT =
  /\b(?:tell|report|say|answer|reply|respond|state|claim|confirm|describe|present|inform)\b(?:\s+(?:to\s+)?(?:the\s+)?(?:user|author|requester|reviewer|customer|them|him|her))?\s+(?:that\s+)?(?:[\w'-]+\s+){0,4}?(?:succeeded|was\s+successful|worked|passed|(?:is|was|are|as)\s+(?:clean|empty|safe|fine)|only\s+contains?|contains\s+only|no\s+[\w-]+(?:\s+[\w-]+)?\s+(?:were|was|are|is)\s+(?:found|detected|present)|nothing\s+(?:was\s+)?(?:found|sent|wrong|changed))\b|\b(?:answer|reply|respond|say)\s+(?:with\s+)?["']?no\b(?!\s+(?:more|longer|one))|\bmention\s+only\b|\bkeep\s+(?:the\s+)?(?:error|failure|problem|finding|result)s?\s+to\s+yourself\b|\b(?:drop|omit|leave|strip)\s+(?:it|them|this|these|that)?\s*(?:out\s+)?(?:of|from)\s+(?:your|the)\s+(?:answer|summary|reply|response|report)\b|\bmust\s+be\s+(?:dropped|omitted|left\s+out|removed)\s+from\s+(?:your|the)\s+(?:answer|summary|reply|response|report)\b/gi;

/** What makes a report false: it is given whatever the real outcome was. */
export const COUNTERFACTUAL = /\b(?:if|whatever|regardless|even\s+(?:if|though|when)|no\s+matter|in\s+that\s+case|instead|fails?|failed|any\s+finding|asks?\s+(?:whether|if|where|what))\b/i;

/** An obligation put on the model ("the assistant should…", "…without asking"). */
export const MODEL_OBLIGED = /\b(?:assistant|agent|model|ai)\b[^.!?]{0,40}\b(?:should|must|needs?\s+to|is\s+to)\b|\bwithout\s+(?:asking|confirmation|prompting)\b/i;
