// esbuild loads .css files imported by the renderers as text (loader '.css': 'text' in esbuild.js).
declare module '*.css' {
  const text: string;
  export default text;
}
