import { describe, expect, it } from 'vitest';
import { findHiddenRegions } from './hidden-markup.js';

const carriers = (text: string) => findHiddenRegions(text).map((r) => [r.carrier, r.text]);

describe(findHiddenRegions.name, () => {
  it('finds text hidden by CSS, attributes and colour', () => {
    expect(carriers('<div style="display: none">one</div>')).toEqual([['display:none', 'one']]);
    expect(carriers("<p style='visibility:hidden'>two</p>")).toEqual([['visibility:hidden', 'two']]);
    expect(carriers('<span style="font-size:0px">three</span>')).toEqual([['zero font size', 'three']]);
    expect(carriers('<text opacity="0">four</text>')).toEqual([['zero opacity', 'four']]);
    expect(carriers('<span style="position:absolute;left:-9999px">five</span>')).toEqual([['positioned off-screen', 'five']]);
    expect(carriers('<section hidden><b>six</b></section>')).toEqual([['hidden attribute', 'six']]);
    expect(carriers('<span style="color:#FFF;background-color:white">seven</span>')).toEqual([['text coloured like its background', 'seven']]);
    expect(carriers('<font color="#ffffff">eight</font>')).toEqual([['text coloured like its background', 'eight']]);
  });

  it('finds comments and collapsed details', () => {
    expect(carriers('a <!-- note here --> b')).toEqual([['HTML comment', 'note here']]);
    expect(carriers('[//]: # (a markdown comment)')).toEqual([['Markdown comment', 'a markdown comment']]);
    expect(carriers('<details><summary>More</summary>the body</details>')).toEqual([['collapsed details', 'the body']]);
  });

  it('leaves visible markup alone', () => {
    expect(carriers('<div class="hidden-xs" style="color:#333;background:#fff">shown</div><input type="hidden" name="t">')).toEqual([]);
    expect(carriers('<span style="font-size:0.9em;opacity:0.8">small</span>')).toEqual([]);
    expect(carriers('.hidden { display: none; }')).toEqual([]);
  });
});
