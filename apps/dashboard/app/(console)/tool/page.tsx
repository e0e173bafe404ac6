// A tool's page with its names in the query (`/tool?server=&tool=`): the form for a tool or server named `.`
// or `..`, which a path cannot carry (lib/tool-links.ts). The page is the one of /tools/[server]/[tool].
export { default, generateMetadata } from '../tools/[server]/[tool]/page';
