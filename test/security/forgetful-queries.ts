import {
  BinaryOperationNode,
  ColumnNode,
  type KyselyPlugin,
  type OperationNode,
  OperationNodeTransformer,
  OperatorNode,
  ReferenceNode,
} from 'kysely';

/** `tenant_id` or `t.tenant_id`. */
function isTenantColumn(node: OperationNode): boolean {
  if (ColumnNode.is(node)) return node.column.name === 'tenant_id';
  return ReferenceNode.is(node) && ColumnNode.is(node.column) && node.column.column.name === 'tenant_id';
}

/** Rewrites every `tenant_id = ?` into `tenant_id = tenant_id`: the query keeps its shape, not its tenant. */
class ForgetTenant extends OperationNodeTransformer {
  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const out = super.transformBinaryOperation(node);
    const equals = OperatorNode.is(out.operator) && out.operator.operator === '=';
    return equals && isTenantColumn(out.leftOperand)
      ? BinaryOperationNode.create(out.leftOperand, out.operator, out.leftOperand)
      : out;
  }
}

/**
 * A store plugin that makes every repository query forget its tenant predicate, as a code path
 * that lost its manual filter would: what still confines a request is only the database.
 */
export const forgetTenantPredicates: KyselyPlugin = {
  transformQuery: (args) => new ForgetTenant().transformNode(args.node),
  transformResult: (args) => Promise.resolve(args.result),
};
