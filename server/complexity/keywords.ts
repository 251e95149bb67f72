// Keyword groups in en/es/de/fr/zh/ja, and it/pt/nl/ru: a group is one feature whatever language
// fired it, so words of a language the training data hardly has still reach weights learned from
// the others. Each group is one regex over the lower-cased text; which groups fired become both classifier features and human-readable signals. The groups say what
// kind of work is asked for, not which band it is: the classifier learns how much each one weighs.

// Latin-script entries must match whole words; \b is ASCII-only, so use Unicode letter lookarounds.
const W = (alts: string) => `(?<![\\p{L}\\p{N}])(?:${alts})(?![\\p{L}\\p{N}])`;
// CJK entries match as substrings (no spaces between words).
const C = (alts: string) => `(?:${alts})`;
const group = (latin: string, cjk?: string) => new RegExp(cjk ? `${W(latin)}|${C(cjk)}` : W(latin), 'u');

export const KEYWORD_GROUPS: Record<string, RegExp> = {
  greeting: group(
    "hi|hello|hey|thanks|thank you|good morning|how are you|hola|gracias|hallo|danke|bonjour|merci|salut|ciao|grazie|buongiorno|olá|obrigad[oa]|bom dia|bedankt|dank je|goedemorgen|привет|спасибо|здравствуйте",
    '你好|谢谢|こんにちは|ありがとう',
  ),
  fact: group(
    "what is the capital|who (?:is|was|wrote|invented|discovered|painted|won|directed|sang)|when (?:did|was|is)|how (?:many|much|old|tall|far|long) (?:is|are|was|were|does|did|do)|what year|which country|what does \\S+ mean|define|definition of|meaning of|quién (?:es|fue|escribió)|cuándo|cuál es la capital|wer (?:ist|war|hat)|wann|was ist die hauptstadt|was bedeutet|qui (?:est|était|a)|quand|quelle est la capitale|que veut dire|chi (?:è|era|ha)|quando|qual è la capitale|cosa significa|quem (?:é|foi)|qual é a capital|o que significa|wanneer|wat is de hoofdstad|wat betekent|кто (?:такой|был|написал)|когда|какая столица|что означает",
    '是谁|什么时候|哪一年|首都是|是什么意思|多少|誰が|いつ|首都|とは',
  ),
  arithmetic: group('plus|minus|times|divided by|percent of|square root of|convert|how many \\S+ in', '加|减|乘以|除以|足す|引く'),
  math: group(
    "equation|solve|integral|derivative|prove|proof|theorem|lemma|probability|matrix|eigen\\w*|polynomial|calculus|limit of|series|geometry|triangle|algebra|combinatoric\\w*|modulo|ecuación|resolver|derivada|demostrar|gleichung|lösen|ableitung|beweise\\w*|integral\\w*|équation|résoudre|dérivée|démontrer|théorème|equazione|risolvi\\w*|integrale|derivata|dimostra\\w*|teorema|probabilità|matrice|equação|resolva|demonstr\\w*|probabilidade|matriz|vergelijking|oplossen|afgeleide|bewijs\\w*|waarschijnlijkheid|уравнени\\w*|реши\\w*|интеграл\\w*|производн\\w*|доказ\\w*|теорем\\w*|вероятност\\w*|матриц\\w*",
    '方程|求解|积分|导数|证明|概率|矩阵|方程式|積分|微分|証明|確率|行列',
  ),
  code: group(
    "code|function|python|javascript|typescript|java|c\\+\\+|rust|golang|sql|regex|api|bug|error|exception|stack trace|compile|script|class|method|react|css|html|docker|kubernetes|git|npm|database|query|algorithm|refactor|unit tests?|código|función|funktion|programm\\w*|fonction|codice|funzione|programma\\w*|função|functie|programmeer\\w*|код|функци\\w*|программ\\w*|ошибк\\w*|скрипт\\w*",
    '代码|函数|编程|程序|报错|コード|関数|プログラム|エラー',
  ),
  explain: group(
    "explain|why (?:do|does|is|are|did)|how (?:do|does) \\S+ work|what(?:'s| is) the difference|describe|overview of|tell me about|explica\\w*|por qué|erkläre\\w*|erklären|warum|explique\\w*|expliquer|pourquoi|spiega\\w*|perché|expliqu\\w*|por que|leg uit|uitleggen|waarom|объясни\\w*|почему|расскажи",
    '解释|为什么|介绍一下|説明|なぜ|教えて',
  ),
  howto: group(
    "how (?:do|can|should) i|how to|steps to|tips for|best way to|cómo (?:puedo|hago|se)|wie (?:kann|mache|soll) ich|comment (?:faire|puis-je|je)|come (?:posso|faccio|si)|como (?:posso|faço|fazer)|hoe (?:kan|moet|doe) ik|как (?:мне|сделать|можно)",
    '如何|怎么|怎样|方法|どうやって|やり方|方法',
  ),
  'short-writing': group(
    "(?:write|draft|compose) (?:me )?(?:a |an |some )?(?:short |quick |brief |funny |polite |formal )?(?:email|e-mail|poem|haiku|tweet|slogan|caption|letter|toast|message|note|joke|limerick|text|reply|bio|tagline|headline|title|song|story|paragraph)|escribe (?:un|una)|schreib\\w* (?:mir )?(?:eine?n?)|écri[st]\\w* (?:un|une|moi)|scrivi (?:un|una)|escreva (?:um|uma)|schrijf (?:een|me)|напиши\\w*",
    '写一封|写一首|写一段|写个|メールを書|詩を書|文章を書',
  ),
  deliverable: group(
    "business plan|marketing plan|marketing strategy|go-to-market|pitch deck|proposal|white ?paper|design (?:a|an|the) (?:system|architecture|database|api|service|platform)|architecture|implement|build (?:a|an|me)|full|complete|comprehensive|detailed|end-to-end|production|curriculum|syllabus|financial model|contract|policy|roadmap|specification|strategy|migration plan|plan de negocios|estrategia|propuesta|businessplan|geschäftsplan|strategie|konzept|plan d'affaires|stratégie|cahier des charges|piano aziendale|strategia|proposta|architettura|dettagliat\\w*|completo|plano de negócios|estratégia|arquitetura|detalhad\\w*|bedrijfsplan|ondernemingsplan|voorstel|architectuur|gedetailleerd\\w*|volledig\\w*|бизнес-план\\w*|стратеги\\w*|архитектур\\w*|подробн\\w*",
    '商业计划|策略|方案|架构|详细|完整|事業計画|戦略|設計|詳細',
  ),
  research: group(
    "research|investigate|sources|citations?|cite|references|literature|survey of|state of the art|state-of-the-art|evidence|studies|peer-reviewed|meta-analysis|market analysis|market size|landscape|across (?:\\S+ ){0,3}(?:sources|studies|reports|countries|markets|vendors)|systematic review|investiga\\w*|fuentes|estado del arte|recherch\\w*|quellen|marktanalyse|literatur|état de l'art|revue de (?:la )?littérature|analyse du marché|ricerca|fonti|stato dell'arte|letteratura|analisi di mercato|pesquisa|fontes|estado da arte|literatura|análise de mercado|onderzoek\\w*|bronnen|literatuur|исследовани\\w*|источник\\w*|литератур\\w*|обзор\\w*|анализ рынка",
    '研究|调研|文献|综述|来源|市场分析|調査|文献|研究|市場分析|出典',
  ),
  analyze: group(
    'analy[sz]e|analysis|assess|evaluate|examine|trends?|implications|impact of|forecast|outlook|analiza\\w*|análisis|analysiere\\w*|analyse\\w*|évalue\\w*|analizza\\w*|analisi|valuta\\w*|tendenz\\w*|analis\\w*|análise|avali\\w*|tendência\\w*|analyseer\\w*|evalueer\\w*|анализ\\w*|оцен\\w*|тенденци\\w*|прогноз\\w*',
    '分析|评估|趋势|影响|分析|評価|動向',
  ),
  compare: group('compare|comparison|versus|vs\\.?|pros and cons|trade-?offs?|compara\\w*|vergleich\\w*|confronta\\w*|confronto|pro e contro|prós e contras|vergelijk\\w*|voor- en nadelen|сравни\\w*|сравнени\\w*|плюсы и минусы', '比较|对比|比較'),
  reasoning: group('step by step|step-by-step|justify|in depth|in-depth|thoroughly|rigorous\\w*|reason about|paso a paso|schritt für schritt|étape par étape|passo dopo passo|passo per passo|passo a passo|stap voor stap|шаг за шагом|пошагово', '一步一步|逐步|段階的'),
  rewrite: group(
    "translate|rephrase|paraphrase|fix (?:the |my )?(?:grammar|spelling|typos?)|correct (?:the |this )?(?:grammar|spelling)|proofread|synonyms?|antonyms?|summari[sz]e|tl;?dr|shorten|traduce|traduire|übersetze\\w*|zusammenfass\\w*|résume\\w*|tradu\\w*|riassum\\w*|riassunto|resuma|resumir|resumo|vertaal\\w*|samenvat\\w*|переведи\\w*|перевод\\w*|резюмируй",
    '翻译|总结|翻訳|要約',
  ),
  creative: group('story|novel|screenplay|script for|chapter|poem|lyrics|fiction|character|cuento|historia|geschichte|histoire|roman|racconto|romanzo|poesia|história|conto|poema|verhaal|gedicht|рассказ\\w*|роман\\w*|стих\\w*', '故事|小说|物語|小説'),
};

export const KEYWORD_NAMES = Object.keys(KEYWORD_GROUPS);

export function matchKeywords(lower: string): string[] {
  const fired: string[] = [];
  for (const name of KEYWORD_NAMES) if (KEYWORD_GROUPS[name].test(lower)) fired.push(name);
  return fired;
}
