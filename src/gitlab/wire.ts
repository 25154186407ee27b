// One request as it goes over the wire, and what comes back: the vocabulary shared by the
// transport (which sends it) and the classifier (which decides what the answer means).

export interface WireRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  /** every header, credentials included; values are checked before anything is sent */
  headers: Record<string, string>;
  body?: string;
  /** for the whole exchange, headers and body */
  timeoutMs: number;
}

export interface WireResponse {
  status: number;
  /** names in lower case; repeated headers joined with ", " */
  headers: Record<string, string | undefined>;
  text: string;
}

/** No complete answer within the request's timeout. */
export class NoAnswerInTime extends Error {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'NoAnswerInTime';
    this.timeoutMs = timeoutMs;
  }
}

/** The body outgrew what any answer of GitLab's API can be; reading stopped. */
export class AnswerTooLarge extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`answer larger than ${limitBytes} bytes`);
    this.name = 'AnswerTooLarge';
    this.limitBytes = limitBytes;
  }
}

/** A header value HTTP does not allow (a token pasted with a control character): nothing was sent. */
export class UnsendableHeader extends Error {
  readonly header: string;
  constructor(header: string) {
    super(`the ${header} header holds characters HTTP does not allow`);
    this.name = 'UnsendableHeader';
    this.header = header;
  }
}
