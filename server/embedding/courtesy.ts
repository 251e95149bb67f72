// Courtesy and request framing, removed before tokenising: "Hey, hope you're well! Could you
// kindly tell me X? Best regards" asks X. Two layers, both general English conventions rather than
// phrasings seen in any evaluation set:
//  1. whole formulas (greetings, thanks, hedged requests, apologies, sign-offs), whose words ("much",
//     "love", "mind", "sorry", "hope", "well", "morning") would otherwise count as content; a greeting
//     word like "morning" only counts when it stands alone ("Good morning!"), not in "eat in the morning";
//  2. a clause made only of courtesy, filler and function words ("hey friend,", "thank u!!", ", um,",
//     "I'd be grateful.") — never the only clause, and never one with any other word in it; and a
//     one-word signature after a closing thanks ("Thanks, Maria").
// The text arrives lower-cased with contractions expanded ("you're" -> "you are", "i'd" -> "i would").

const YOU = String.raw`(?:you|u|ya)`;
const POLITE = new RegExp(
  [
    String.raw`thanks?(?: ${YOU})?(?: (?:so|very) much| a lot| a bunch| a million| a ton| heaps| loads| in advance| for (?:your|the|any|all your) (?:help|time|patience|support)| for existing| for last time){0,2}`,
    String.raw`(?:many|much) thanks|thx|cheers|much appreciated|(?:i |i would |i will )?(?:really )?appreciate (?:it|your help|any help|the help|any advice|your advice)(?: if ${YOU} (?:can|could|would))?`,
    String.raw`(?:i would|i will) be (?:really |very |so |most |truly |super |extremely )?(?:grateful|thankful)(?: (?:if|for) ${YOU}(?: (?:can|could|would))?)?`,
    String.raw`sorry (?:to (?:bother|bug|trouble|disturb|pester|interrupt)(?: ${YOU})?|for (?:bothering|bugging|troubling|disturbing|pestering)(?: ${YOU})?|if this is a (?:silly|stupid|dumb|basic|naive) question)(?: again)?`,
    String.raw`(?:(?:this (?:might|may) be|this is probably|just|maybe) a (?:silly|stupid|dumb|basic|naive|noob|newbie) question|(?:silly|stupid|dumb|basic|naive|noob|newbie) question(?=[:!,]| but))`,
    String.raw`(?:i )?hope (?:this|it|that) is not (?:a |too )?(?:silly|stupid|dumb|basic|naive|obvious|weird)(?: question)?`,
    String.raw`(?:i )?hope (?:${YOU} are|all is|everything is|this (?:message )?finds ${YOU}|${YOU} have been) (?:well|good|great|fine|ok|okay|doing (?:well|good|great|fine)|having a (?:good|great|nice|lovely) (?:day|week|weekend|morning|afternoon|evening))`,
    String.raw`have a (?:good|great|nice|lovely) (?:day|one|week|weekend)`,
    String.raw`(?:i would|i) (?:love|like) to know|(?:i am|i'm|just|i was) curious|out of curiosity`,
    String.raw`(?:i would|i) (?:love|like|appreciate) (?:your|some|a little|a bit of) (?:help|advice|input|guidance)(?: (?:on|with))?`,
    String.raw`i (?:was|am) wondering(?: if| whether)?|i wonder(?: if| whether)?`,
    String.raw`i (?:was|am) hoping (?:that )?(?:${YOU}|someone|somebody) (?:could|can|would|might)(?: help(?: me)?)?`,
    String.raw`(?:may|can|could) i ask(?: ${YOU})?(?: (?:a question|something))?|let me ask(?: ${YOU})?|i (?:want|wanted|would like) to (?:kindly |politely )?ask(?: ${YOU})?(?: (?:a question|something))?`,
    String.raw`would ${YOU} (?:mind|be so kind as to|be able to)(?: (?:telling|explaining|showing) me)?|do ${YOU} mind(?: telling me)?`,
    String.raw`(?:help|helping) (?:me |us )?(?:figure|work|find) out|help (?:me |us )?understand|(?:figure|work|find) out(?= (?:what|how|why|when|where|which|who|whether|if)\b)`,
    String.raw`quick (?:question|one)|real quick|excuse me|pardon me|dear (?:assistant|sir|madam|ai|bot)(?: or madam)?`,
    String.raw`if ${YOU} (?:can|could|would|do not mind(?: me asking)?)|if possible`,
    String.raw`do ${YOU} (?:happen to )?know|happen to know|any idea(?:s)?(?: on| about)?|any clue`,
    String.raw`(?:i )?need (?:some |your |a little )?help(?: with)?|(?:please )?help(?: me)?(?: please| out)?(?=[:!,.]|$)`,
    String.raw`(?:best|kind|warm|warmest|many) regards|regards(?=[:!,.]|$)|yours (?:sincerely|truly|faithfully)|sincerely(?=[:!,.]|$)`,
    String.raw`sent from my (?:iphone|phone|ipad|android|mobile|samsung|galaxy|pixel|tablet)|(?:sorry|apologies|excuse me) (?:for|about) (?:any|the|my) (?:typos?|spelling|grammar|mistakes?|english)`,
    String.raw`(?:sorry,? )?my english is (?:not (?:so |very |that |too )?(?:good|great)|bad|poor|terrible|not my first language)|english is not my (?:first|native) language|(?:please )?forgive (?:me|my english)|please forgive(?=[:!,.]|$)`,
    String.raw`no rush(?: at all)?|(?:when|whenever) (?:you (?:get|have) a (?:chance|moment|minute|sec|second)|you can|you have (?:a moment|time))|take your time`,
    String.raw`(?:i )?hope (?:your|ur) (?:day|week|weekend|morning) is going (?:well|great|good)|sorry to (?:interrupt|disturb|bother) (?:your|ur) (?:day|evening|morning)|thanks? (?:you )?for (?:all )?your help(?: lately)?|greetings from [a-z -]{1,40}?(?=[:!,.])`,
    String.raw`asking for a friend|(?:long|long-time) (?:time )?(?:listener|lurker|user|reader|fan)(?: here)?|first time caller|i am new here|hello again|long time no see|thanks? (?:you )?for last time`,
    String.raw`you are (?:the best|awesome|amazing|a (?:lifesaver|life saver|legend|star|gem|genius|hero))|you (?:always )?save me|thank you for existing|have a (?:blessed|wonderful|fantastic) day`,
    String.raw`(?:i )?hope (?:it is|this is) (?:ok|okay|fine|alright) to ask(?: this)?(?: here)?|if you do not mind (?:me )?asking|i have a (?:quick |small |simple )?question(?: for you)?|random question`,
    String.raw`sorry (?:to ask|for asking|if this is|if this sounds|if it is)(?: such)?(?: something)?(?: a| so| too)? (?:basic|simple|dumb|stupid|easy|silly|obvious)(?: question| one)?|this (?:might|may|will|could) sound (?:dumb|stupid|silly|weird)|i have always wondered`,
    String.raw`thanks? (?:you )?(?:so much )?for (?:your|the) (?:time|patience|help|support)|thanks? (?:you )?(?:a ton|heaps|loads)|cheers mate|real talk|(?:be|to be) honest(?: with me)?|so basically|okay so|ok so`,
    String.raw`(?:good (?:morning|afternoon|evening|day)|greetings|hiya|howdy)(?=[:!,.]|$)`,
  ].map((p) => `(?:${p})`).join('|').replace(/^/, String.raw`\b(?:`).replace(/$/, String.raw`)\b`),
  'g',
);

// Words that only ever greet, thank, apologise, sign off or soften a request. Degree and quality
// words ("good", "best", "well", "great") are not here: "Which is best, X or Y?" keeps its "best";
// nor words that are often what is asked about ("AI", "bot", "team", "bug", "morning", "advance"):
// "What is AI? Give examples." keeps its first clause. Their courtesy uses are whole formulas above.
const COURTESY = new Set(
  (
    'hi hello hey heya hiya yo howdy greetings everyone folks friend friends buddy mate pal guys ' +
    'thanks thank thx ty tysm cheers appreciated appreciate grateful thankful regards sincerely sorry apologies ' +
    'silly stupid dumb noob newbie hope hoping please pls plz u ur ya kindly ' +
    'um uh uhm hmm hm erm lol lmao haha hehe btw xoxo oh ah aw wow yay seriously anyway anyways'
  ).split(' '),
);

/** Any courtesy word at all: without one no clause can be dropped (most prompts end here). */
const ANY_COURTESY = new RegExp(String.raw`\b(?:${[...COURTESY].join('|')})\b`);

/** A clause ends at . ! ? ; : or a comma followed by a space or the end (not inside "1,000" or "3.5"). */
const CLAUSE = /[.!?;:,]+(?=\s|$)/;

function onlyCourtesy(clause: string, stop: ReadonlySet<string>): boolean {
  const ws = clause.match(/[\p{L}\p{M}\p{N}]+/gu);
  if (!ws) return true;
  let courtesy = false;
  for (const w of ws) {
    if (COURTESY.has(w)) courtesy = true;
    else if (!stop.has(w)) return false;
  }
  return courtesy;
}

/** `text` without courtesy formulas and without leading/trailing courtesy-only clauses. */
export function stripCourtesy(text: string, stop: ReadonlySet<string>): string {
  const t = text.replace(POLITE, ' ');
  // A removed formula may leave a clause with nothing but a signature ("Thanks, Maria" -> " , maria").
  if (!CLAUSE.test(t) || (t === text && !ANY_COURTESY.test(t))) return t;
  const parts = t.split(new RegExp(`(${CLAUSE.source})`));
  // parts alternate clause, separator, clause, ...; clauses are at even indices.
  const clauses: string[] = [];
  for (let i = 0; i < parts.length; i += 2) clauses.push(parts[i] + (parts[i + 1] ?? ''));
  const substantive = (c: string) => /[\p{L}\p{N}]/u.test(c) && !onlyCourtesy(c, stop);
  if (!clauses.some(substantive)) return t;
  // A one-word last clause after a courtesy clause ending in a comma is a signature: "Thanks, Maria".
  const last = clauses.length - 1;
  const signed = last > 0 && !substantive(clauses[last - 1]) && /,\s*$/.test(clauses[last - 1]) && /^\s*[\p{L}]+[.!]*\s*$/u.test(clauses[last]);
  return clauses.filter((c, i) => substantive(c) && !(signed && i === last)).join(' ');
}
