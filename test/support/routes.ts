import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';

export interface AppRoute {
  method: string;
  /** OpenAPI style: /orders/{id} */
  path: string;
  /** The handler reads a request body (@Body or @RawBody). */
  body: boolean;
}

const BODY_ARGS = new Set([RouteParamtypes.BODY, RouteParamtypes.RAW_BODY]);

/** True when one of the handler's parameters is the body; Nest keys them "<type>:<index>". */
function readsBody(ctrl: object, name: string): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctrl, name) ?? {}) as object;
  return Object.keys(args).some((key) => BODY_ARGS.has(Number(key.split(':')[0])));
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Every route the controllers declare, read from Nest's own metadata. */
export function declaredRoutes(app: INestApplication): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...args: unknown[]) => object) | undefined;
      if (!ctrl) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        routes.push({
          method: RequestMethod[method].toLowerCase(),
          path: join(base, sub).replace(/:([A-Za-z]+)/g, '{$1}'),
          body: readsBody(ctrl, name),
        });
      }
    }
  }
  return routes;
}
