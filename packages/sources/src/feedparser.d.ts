// The part of feedparser's API Pantau uses (the package ships no types).
declare module 'feedparser' {
  import { Transform } from 'node:stream';
  namespace FeedParser {
    interface Options {
      feedurl?: string;
      addmeta?: boolean;
      normalize?: boolean;
    }
    interface Item {
      title: string | null;
      description: string | null;
      summary: string | null;
      link: string | null;
      guid: string | null;
      author: string | null;
      categories: string[];
      date: Date | null;
    }
  }
  class FeedParser extends Transform {
    constructor(options?: FeedParser.Options);
  }
  export = FeedParser;
}
