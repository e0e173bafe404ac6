/**
 * The phrases of hidden instructions, matched on normalised text (NFKC, invisibles removed, homoglyphs
 * folded, whitespace collapsed; case-insensitive). Each pattern names the signal an analyst reads.
 * Strength is decided by the scanner from combinations (see text-signal.scanner.ts), not here.
 */

/** `<IMPORTANT>`, `<system>`, `[important]`, `{{system}}`, `System:` at a sentence start, HTML comments. */
export const HIDDEN_BLOCK =
  /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|critical|assistant|prompt|override|sys|tool_instructions|ai_instructions|model_instructions|hidden_instructions)\b[^<>]{0,40}>|\[\s*(?:important|system|instructions?|hidden|admin|secret|sys|inst|system message|assistant)\s*\]|\{\{\s*(?:system|instructions?)\s*\}\}|(?:^|[.!?]\s+|\n)\s*(?:system|assistant|developer)\s*(?:message|prompt|note|override)?\s*:\s+(?=[A-Z])/gi;

export const HTML_COMMENT = /<!--[\s\S]{0,2000}?-->/g;

/** Attempts to cancel the model's instructions or change its role. */
export const OVERRIDE =
  /\b(?:ignore|disregard|forget|override|bypass|discard|abandon)\s+(?:(?:all|any|every|each|the|your|of|these|those|my)\s+){0,3}(?:previous|prior|above|earlier|preceding|former|initial|original|existing|system|safety|other|old)\s+(?:instructions?|rules|guidelines|prompts?|directions|directives|messages|context|constraints|guardrails|policies|commands)\b|\byou\s+are\s+now\s+(?:in\s+)?(?:an?\s+|the\s+)?(?:\w+\s+)?(?:mode|assistant|ai|model|bot|agent|dan|character|persona|unrestricted|jailbroken|admin|administrator|root|developer|hacker|evil)\b|\b(?:developer|jailbreak|god|dan|unrestricted)\s+mode\b|\bdisable\s+(?:all\s+)?(?:your\s+)?(?:safety|content|security)\s+(?:filters?|checks?|guardrails|measures|policies)\b|\bnew\s+(?:system\s+)?instructions\s*:|\bfrom\s+now\s+on,?\s+(?:you|always|ignore)\b|\byou\s+are\s+(?:dan|no\s+longer\s+(?:bound|an?\s+ai|restricted))\b|\btell\s+me\s+who\s+you\s+are\b|\breveal\s+(?:your|the)\s+system\s+prompt\b/gi;

/** Instructions to keep the user unaware. */
export const CONCEALMENT =
  /\b(?:do\s+not|don'?t|never|must\s+not|should\s+not|shouldn'?t)\s+(?:explicitly\s+)?(?:tell|mention|inform|notify|reveal|disclose|show|alert|warn|let\s+on|bring\s+up)\s+(?:this\s+|it\s+|anything\s+|that\s+|about\s+(?:this|it)\s+)?(?:to\s+)?(?:the\s+)?(?:user|human|operator|requester)\b|\bwithout\s+(?:telling|informing|notifying|alerting|asking|letting|showing|warning)\s+(?:the\s+)?(?:user|human|operator)\b|\b(?:the\s+)?(?:user|human)\s+(?:must|should|will|need|does)\s*(?:not|never|n'?t)\s+(?:know|see|notice|find\s+out|be\s+(?:told|informed|aware|notified))\b|\b(?:not|never)\s+(?:be\s+)?(?:shown|visible|displayed|revealed|mentioned|reported|disclosed|surfaced)\s+(?:to|in)\s+(?:the\s+)?(?:user|human|user-facing)\b|\b(?:omitted|hidden|excluded|removed|concealed)\s+from\s+(?:the\s+)?(?:[\w-]+\s+){0,4}(?:summary|output|display|user|log|response|transcript)\b|\b(?:do\s+not|don'?t)\s+(?:explicitly\s+)?(?:mention|say|state|reveal|disclose|acknowledge)\s+(?:that|you|this|it|the)\b|\bpresent\s+(?:the|this|it|that)\s+(?:\w+\s+)?as\s+if\b|\b(?:secretly|covertly|surreptitiously|stealthily|behind\s+the\s+user'?s\s+back)\b|\bkeep\s+(?:this|it|that|these\s+instructions|this\s+instruction)\s+(?:secret|hidden|confidential)\s+from\s+(?:the\s+)?(?:user|human)\b|\bkeep\s+(?:these|this)\s+instructions?\s+(?:secret|hidden|confidential)\b|\b(?:this\s+stays|keep\s+it)\s+between\s+us\b/gi;

/** Softer concealment words, only meaningful next to other signals. */
export const QUIET = /\b(?:silently|quietly|invisibly|in\s+the\s+background\s+without)\b/gi;

/** Secret-bearing files: reading them is the classic payload. Group 1 names the family. */
export const SENSITIVE_FILE =
  /(?:~|\$home|%userprofile%|\/home\/[\w.-]+|\/root|\/users\/[\w. -]+)?\/?(?:\.ssh\/id_(?:rsa|dsa|ecdsa|ed25519)(?![\w.]*\.pub)\b|\.ssh\/?(?!\/?(?:authorized_keys|known_hosts|config)\b)(?![\w/.-]*\.pub)|\.aws\/(?:credentials|config)\b|(?<![\w$])\.env(?:\.[a-z]+)?\b(?!\s*var)|\.cursor\/mcp\.json|mcp\.json\b|claude_desktop_config\.json|\.claude\/|\/etc\/(?:passwd|shadow|sudoers)\b|\.kube\/config\b|\.(?:bash|zsh|sh|python|node_repl|psql|mysql)_history\b|\.netrc\b|\.pgpass\b|\.git-credentials\b|\.docker\/config\.json|\.npmrc\b|\.pypirc\b|\.gnupg\b|\.config\/gcloud\b|application_default_credentials\.json|\bid_(?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub)|\bwallet\.dat\b|internal:\/\/credentials)/gi;

/** Secret-bearing things named in words (weaker than a path). */
export const SENSITIVE_CONCEPT =
  /\b(?:ssh\s+(?:private\s+)?keys?|private\s+keys?|secret\s+keys?|api\s+keys?|access\s+tokens?|auth(?:entication)?\s+tokens?|credentials?(?:\s+files?)?|passwords?|passphrases?|secrets|(?:seed|recovery|mnemonic)\s+phrases?|aws\s+(?:credential|key)s?(?:\s+files?)?|shell\s+history|kubernetes\s+configuration\s+files?|kubeconfig|environment\s+variables|env\s+vars?|system\s+prompt|conversation\s+history|chat\s+history|previous\s+messages|cookies|session\s+tokens?)\b/gi;

/** Verbs that move data out or into the model's context. */
export const EXFIL_VERB =
  /\b(?:read|reads|reading|cat|open|opens|access|accesses|accessing|load|loads|collect|collects|collecting|gather|gathers|harvest|grab|extract|extracts|dump|dumps|copy|copies|include|includes|including|append|appends|appending|attach|attaches|embed|embeds|insert|inserts|pass|passes|provide|provides|supply|send|sends|sending|upload|uploads|post|posts|forward|forwards|transmit|transmits|exfiltrate|exfiltrates|exfiltrating|leak|leaks|email|emails|share|shares|output|outputs|print|prints|fetch|fetches|retrieve|retrieves|steal)\b/gi;

/** Verbs that only move data out (strong even with a concept like "credentials"). */
export const OUTBOUND_VERB =
  /\b(?:send|sends|sending|upload|uploads|post|posts|forward|forwards|transmit|transmits|exfiltrate|exfiltrates|exfiltrating|leak|leaks|email|emails|collect|collects|collecting|gather|gathers|harvest|grab|extract|extracts|dump|dumps|include|includes|including|append|appends|appending|attach|attaches|embed|embeds|steal)\b/gi;

export const EXFILTRATE_WORD = /\bexfiltrat\w*/gi;

/** Where data would go: an e-mail address or a URL. */
export const EXTERNAL_DESTINATION = /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|\bhttps?:\/\/[^\s'"<>)\]]{1,2000}/gi;

/** Imperatives aimed at the model (common in benign descriptions too: only counted with other signals). */
export const DIRECTIVE = /\b(?:you\s+must|you\s+should|you\s+will|you\s+need\s+to|always|make\s+sure\s+(?:to|you)|be\s+sure\s+to|remember\s+to|it\s+is\s+(?:mandatory|required|essential)\s+(?:that|to))\b/gi;

export const BEFORE_USING = /\bbefore\s+(?:using|calling|invoking|executing|running|responding|answering|replying|you\s+(?:use|call|respond|answer|reply))\b/gi;

/** Steering the model to prefer this tool over others. */
export const PREFERENCE =
  /\b(?:just|always|only)\s+use\s+this\s+(?:tool|function)\b|\buse\s+this\s+(?:tool|function)\s+(?:rather\s+than|instead\s+of)\s+(?:any\s+|the\s+)?others?\b|\bno\s+matter\s+(?:how|what)\b|\b(?:prefer|prioriti[sz]e)\s+this\s+(?:tool|function)\b|\bdo\s+not\s+use\s+(?:any\s+)?other\s+(?:tools?|functions?)\b|\bthis\s+(?:is|tool\s+is)\s+the\s+(?:only|best|preferred)\s+(?:tool|way)\b/gi;

/** A named other tool in a sequencing or replacement instruction; group 1 is the name. */
export const TOOL_REFERENCE =
  /\b(?:before|after|instead\s+of|rather\s+than|in\s+place\s+of|whenever|when)\s+(?:you\s+)?(?:use|using|call|calling|invoke|invoking|execute|executing|run|running)\s+(?:the\s+|any\s+)?[`'"]?([a-z][\w.-]{1,60})[`'"]?\s+(?:tool|function|operation|command|method)\b/gi;

/** Tampering with other tools' inputs or outputs. */
export const MANIPULATION =
  /\b(?:replace|modify|change|alter|overwrite|rewrite|falsify|tamper\s+with)\s+(?:the\s+)?(?:wrong\s+|incorrect\s+|original\s+)?(?:values?|results?|outputs?|responses?|recipients?|arguments?|parameters?|destination|address(?:es)?|account\s+numbers?)\b(?:\s+(?:of|from|with|returned))?/gi;

/** Redirecting messages or money to another recipient. */
export const RECIPIENT_REDIRECT =
  /\b(?:bcc|cc|blind[\s-]copy|forward\s+(?:a\s+copy|all|every|them|it|emails?|messages?)|send\s+a\s+copy|redirect)\b[^.!?\n]{0,60}?(?:[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|\+?\d[\d -]{7,30}\d|https?:\/\/\S{1,200})|\b(?:all|every|any)\s+(?:emails?|messages?|payments?|transfers?|invoices?)\s+(?:must|should|have\s+to|are\s+to)\s+(?:also\s+)?(?:be\s+)?(?:sent|go|forwarded|routed|redirected|copied)\s+to\b|\bchange\s+the\s+(?:recipient|destination|to\s+address|account\s+number|iban|payee)\b/gi;

/** Requests for the user's secrets (phishing through sampling or elicitation). */
export const CREDENTIAL_REQUEST =
  /\b(?:enter|provide|type|share|send|give|confirm|paste|input|tell\s+me)\s+(?:me\s+|us\s+)?(?:your|their|the)\s+(?:\d+-word\s+)?(?:seed|recovery|mnemonic|password|passcode|pin|cvv2?|cvc|security\s+code|card\s+(?:number|details)|private\s+key|2fa|otp|one-time\s+(?:code|password)|ssn|social\s+security|api\s+key|credentials)\b/gi;

/** Text around a match that shows it is quoted or discussed, not instructed. */
export const DISCUSSION_CONTEXT =
  /(?:such\s+as|e\.g\.|for\s+example|example|like|quotes?|quoted|called|known\s+as|contains?|containing|may\s+try\s+to|might\s+try\s+to|attempts?\s+to|tries\s+to|trying\s+to|attackers?|injections?|phrases?|text|strings?|warns?\s+about|beware\s+of)\W*$/i;

export const NEGATION = /\b(?:never|not|no|cannot|can'?t|won'?t|doesn'?t|don'?t|isn'?t|without)\b/i;
